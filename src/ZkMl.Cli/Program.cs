using System.CommandLine;
using ZkMl.Cli.Verbs;
using ZkMl.Inference;

namespace ZkMl.Cli;

/// <summary>The <c>zkml</c> command: thin verbs over the ZkMl libraries.</summary>
public static class Program
{
    /// <summary>Entry point: parses the command line and runs the verb; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        // Huge pages behind the prover's heap (ProverMemory): fewer page faults per proof; ZKML_HUGEPAGES=0 leaves the kernel's default.
        ProverMemory.HugePages = Environment.GetEnvironmentVariable("ZKML_HUGEPAGES") != "0";
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>
    /// Runs <c>zkml</c> with <paramref name="args"/>, writing to <paramref name="stdout"/> and
    /// <paramref name="stderr"/> (plain text unless they are the process console on a terminal);
    /// returns the exit code. Tests call this in process.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot();
        var pr = root.Parse(args);
        // Usage errors are reported like every other error (one line; with --json one {"verb", "error"}
        // object and no help text); --help keeps System.CommandLine's own handling.
        if (pr.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?" or "/?"))
            return CliHost.UsageError(pr, args, stdout, stderr);
        return pr.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>The root command with every verb (one file per verb under Verbs/).</summary>
    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("zkml: prove neural-network inference (sumcheck + LogUp + HyperKZG over BN254) and verify it in C# or on Ethereum.");
        root.Add(CliHost.Json);
        root.Add(CliHost.Quiet);
        root.Add(CliHost.Verbose);
        root.Add(CompileVerb.Create());
        root.Add(SetupVerb.Create());
        root.Add(OpenModelVerb.Create());
        root.Add(CommitInputVerb.Create());
        root.Add(OpenInputVerb.Create());
        root.Add(ProveVerb.Create());
        root.Add(VerifyVerb.Create());
        root.Add(CreateEvmVerifierVerb.Create());
        root.Add(EncodeCalldataVerb.Create());
        root.Add(DeployVerb.Create());
        root.Add(VerifyOnchainVerb.Create());
        root.Add(AccuracyVerb.Create());
        root.Add(BenchVerb.Create());
        root.Add(DemoVerb.Create());
        root.Add(TrainMnistVerb.Create());
        root.Add(ServeVerb.Create());
        root.Add(ProveDatasetVerb.Create());
        root.Add(SiloVerb.Create());
        root.Add(VerifyDatasetVerb.Create());
        return root;
    }
}

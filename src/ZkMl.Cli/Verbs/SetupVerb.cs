using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml setup circuit.zkc (--ptau FILE | --dev-srs) [-o keys/] [--max-batch N]</c>: writes pk.bin and vk.bin.</summary>
internal static class SetupVerb
{
    /// <summary>The default of --max-batch (compile reports the setup costs for it).</summary>
    public const int DefaultMaxBatch = 16;

    public static Command Create()
    {
        var circuit = new Argument<string>("CIRCUIT") { Description = "The circuit file (.zkc) written by zkml compile" };
        var ptau = new Option<string?>("--ptau") { HelpName = "FILE", Description = "A snarkjs powers-of-tau file (.ptau, BN254), e.g. from the Perpetual Powers of Tau ceremony" };
        var dev = new Option<bool>("--dev-srs") { Description = "Use an INSECURE development SRS from a random τ instead (tests and demos only: whoever knows τ can forge proofs)" };
        var output = new Option<string>("--output", "-o") { HelpName = "DIR", Description = "Folder for pk.bin and vk.bin", DefaultValueFactory = _ => "keys" };
        var maxBatch = new Option<int>("--max-batch") { HelpName = "N", Description = "Largest batch (rows of input.json) one proof may hold; rounded up to a power of two", DefaultValueFactory = _ => DefaultMaxBatch };
        var seed = new Option<int?>("--dev-seed") { HelpName = "SEED", Description = "Reproducible tests only: τ of the development SRS from this 31-bit seed (anyone can find it by trying seeds); default: τ from the OS CSPRNG" };
        var cache = new Option<string?>("--srs-cache") { HelpName = "DIR", Description = "Folder that caches the SRS read from --ptau (default: $XDG_CACHE_HOME/zkml, else $HOME/.cache/zkml, else no cache)" };
        var cmd = new Command("setup", "Commit the model and write the proving key (pk.bin) and verifying key (vk.bin) for a circuit")
        {
            circuit, ptau, dev, output, maxBatch, seed, cache,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "setup", ctx =>
        {
            string? ptauPath = pr.GetValue(ptau);
            bool devSrs = pr.GetValue(dev);
            if ((ptauPath is null) == !devSrs)
                throw new UserException("pass exactly one of --ptau FILE (a snarkjs .ptau ceremony file) or --dev-srs (INSECURE, for tests and demos)");
            if (!devSrs && pr.GetValue(seed) is not null) throw new UserException("--dev-seed only applies with --dev-srs");
            Pipeline.PaddedMaxBatch(pr.GetValue(maxBatch));
            return Run(ctx, pr.GetValue(circuit)!, ptauPath, pr.GetValue(seed), pr.GetValue(output)!, pr.GetValue(maxBatch), pr.GetValue(cache));
        }));
        return cmd;
    }

    private static int Run(VerbContext ctx, string circuitPath, string? ptauPath, int? devSeed, string outDir, int maxBatchArg, string? cacheDir)
    {
        var sw = Stopwatch.StartNew();
        CliFiles.Require(circuitPath, FileKind.Circuit);
        if (ptauPath is not null) CliFiles.Require(ptauPath, FileKind.Ptau);
        string pkPath = Path.Combine(outDir, "pk.bin"), vkPath = Path.Combine(outDir, "vk.bin");
        foreach (var written in new[] { pkPath, vkPath })
            CliFiles.RefuseOverwrite(written, "-o", ("CIRCUIT", circuitPath), ("--ptau", ptauPath));
        int maxBatch = Pipeline.PaddedMaxBatch(maxBatchArg);
        Circuit circuit = ctx.Step($"reading {circuitPath}", () => CircuitFile.Load(circuitPath));
        if (maxBatch != maxBatchArg) ctx.Info($"max batch {maxBatchArg} rounded up to {maxBatch} (batches are padded to a power of two)");

        long powers = InferenceSetup.RequiredPowers(circuit, maxBatch);
        var srsWatch = Stopwatch.StartNew();
        Srs srs = ptauPath is null
            ? Pipeline.DevSrs(ctx, powers, devSeed)
            : ctx.Step($"reading and validating {powers:N0} powers from {ptauPath}", () => ReadPtau(ctx, ptauPath, powers, maxBatch, cacheDir ?? DefaultCache(ctx)));
        double srsSeconds = srsWatch.Elapsed.TotalSeconds;

        var setupWatch = Stopwatch.StartNew();
        var (pk, vk) = ctx.Step("committing the model vector", () => InferenceSetup.Run(circuit, srs, maxBatch));
        double setupSeconds = setupWatch.Elapsed.TotalSeconds;

        CliFiles.EnsureParent(pkPath);
        byte[] pkBytes = ctx.Step($"writing {pkPath}", () => pk.ToBytes());
        CliHost.WriteAtomic(pkPath, pkBytes);
        CliHost.WriteAtomic(vkPath, vk.ToBytes());
        double seconds = sw.Elapsed.TotalSeconds;

        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["circuit"] = Path.GetFullPath(circuitPath),
                ["circuitDigest"] = circuit.DigestHex,
                ["pk"] = Path.GetFullPath(pkPath),
                ["vk"] = Path.GetFullPath(vkPath),
                ["pkBytes"] = pkBytes.Length,
                ["vkBytes"] = vk.ToBytes().Length,
                ["vkDigest"] = vk.DigestHex,
                ["maxBatch"] = vk.MaxBatch,
                ["modelVectorLog2"] = vk.ModelVars,
                ["insecure"] = vk.IsInsecure,
                ["srs"] = new JsonObject
                {
                    ["description"] = srs.Description, ["insecure"] = srs.IsInsecure, ["powers"] = powers,
                    ["kind"] = vk.Origin.IsInsecure ? "development" : "ceremony", ["contributions"] = vk.Origin.Contributions,
                    ["ceremonyHash"] = vk.Origin.CeremonyHashHex, ["tauG2Sha256"] = srs.TauG2Fingerprint,
                },
                ["seconds"] = new JsonObject
                {
                    ["srs"] = Math.Round(srsSeconds, 3), ["setup"] = Math.Round(setupSeconds, 3), ["total"] = Math.Round(seconds, 3),
                },
            });
            return 0;
        }
        var o = ctx.Out;
        string wrote = $"wrote [green]{Markup.Escape(pkPath)}[/] ({CliFiles.Size(pkBytes.Length)}) and [green]{Markup.Escape(vkPath)}[/] ({CliFiles.Size(vk.ToBytes().Length)}); vk digest {vk.DigestHex[..16]}… in {seconds:F2} s";
        if (ctx.Quiet)
        {
            o.MarkupLine(wrote);
            return 0;
        }
        o.MarkupLine($"[bold]{Markup.Escape(CliText.Printable(circuit.Name ?? Path.GetFileName(circuitPath)))}[/]: model vector 2^{vk.ModelVars}, batches up to {vk.MaxBatch}, {powers:N0} SRS powers ({Markup.Escape(srs.IsInsecure ? "INSECURE development SRS" : srs.Description)})");
        o.MarkupLine(wrote);
        return 0;
    }

    private static Srs ReadPtau(VerbContext ctx, string ptauPath, long powers, int maxBatch, string? cacheDir)
    {
        if (powers > int.MaxValue) throw new UserException($"the circuit needs {powers:N0} SRS powers; use a smaller --max-batch");
        try
        {
            return Srs.FromPtauCached(ptauPath, (int)Math.Max(1, powers - 1), cacheDir, ctx.Warn);
        }
        catch (SrsFormatException e) when (e.Problem.StartsWith("too small", StringComparison.Ordinal))
        {
            throw new UserException($"{e.Message}; batches up to {maxBatch} need {powers:N0} powers: use a larger .ptau or a smaller --max-batch");
        }
    }

    /// <summary>
    /// $XDG_CACHE_HOME/zkml, else $HOME/.cache/zkml (each only if set to an absolute path, as the XDG base
    /// directory specification asks), else null: no cache, with a warning.
    /// </summary>
    internal static string? DefaultCache(VerbContext ctx)
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (xdg is { Length: > 0 } && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, "zkml");
        string? home = Environment.GetEnvironmentVariable("HOME");
        if (home is { Length: > 0 } && Path.IsPathFullyQualified(home)) return Path.Combine(home, ".cache", "zkml");
        ctx.Warn("neither XDG_CACHE_HOME nor HOME is set to an absolute path: the SRS is not cached (pass --srs-cache DIR to cache it)");
        return null;
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZkMl.Evm;
using ZkMl.Evm.Chain;
using Nethereum.JsonRpc.Client;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// The on-chain steps shared by create-evm-verifier, deploy, verify-onchain and demo: generate and
/// compile the verifier (pinned solc), connect to a node or start a local anvil, deploy, verify, gas.
/// </summary>
internal static partial class OnChain
{
    /// <summary>The default JSON-RPC endpoint of <c>zkml deploy</c> (anvil's and hardhat's default).</summary>
    public const string DefaultRpc = "http://127.0.0.1:8545";

    /// <summary>The repository whose node_modules holds solc and anvil (scripts/setup.sh).</summary>
    public static string Tools() => ProjectTools.FindRepositoryRoot();

    /// <summary>Compiles a verifier source with the settings the generated verifiers are measured with (<c>SettingsForSource</c>: fewer optimizer runs for a ZK verifier).</summary>
    /// <exception cref="UserException">solc reported errors (the first one, with its file:line:column), or the contract is missing.</exception>
    public static CompiledVerifier Compile(VerbContext ctx, string root, string source, string contractName, string fileName) =>
        SolcStep(ctx, fileName, () => CompiledVerifier.CompileAsync(new SolcCompiler(root), source, contractName, fileName));

    /// <summary>
    /// The verifier of <paramref name="vk"/>, generated and compiled in the form that fits EIP-170 (<c>CompiledVerifier.GenerateFittingAsync</c>:
    /// a dense default-mode verifier over the limit as two contracts).
    /// </summary>
    /// <exception cref="UserException">solc reported errors.</exception>
    public static CompiledVerifier GenerateAndCompile(VerbContext ctx, string root, VerifyingKey vk, string contractName, string fileName) =>
        SolcStep(ctx, fileName, () => CompiledVerifier.GenerateFittingAsync(new SolcCompiler(root), vk, contractName, fileName));

    private static CompiledVerifier SolcStep(VerbContext ctx, string fileName, Func<Task<CompiledVerifier>> compile) =>
        ctx.Step($"compiling {fileName} (solc)", () =>
        {
            try
            {
                return compile().GetAwaiter().GetResult();
            }
            catch (KeyNotFoundException e)
            {
                throw new UserException($"{fileName}: {e.Message}");
            }
            catch (SolcCompilationException e)
            {
                var first = e.Errors.Count > 0 ? e.Errors[0].ToString() : e.Message;
                throw new UserException($"{fileName}: solc: {first}" + (e.Errors.Count > 1 ? $" (and {e.Errors.Count - 1} more)" : ""));
            }
        });

    /// <summary>
    /// The warning for a verifier that does not deploy under EIP-170/EIP-3860 (a dense network too deep even for two contracts, or a
    /// source given to deploy), naming its sizes and the limits.
    /// </summary>
    public static string LimitText(CompiledVerifier compiled) =>
        compiled.OverEip170
            ? $"runtime code {compiled.SizeText}, over the EIP-170 limit of {CompiledContract.Eip170CodeSizeLimit:N0}{(compiled.FirstPart is null ? "" : " (each contract)")}"
            : $"creation code {compiled.Main.CreationBytecode.Length:N0} bytes, over the EIP-3860 limit of {CompiledVerifier.Eip3860InitCodeSizeLimit:N0}";

    /// <summary>The name of the last contract declared in a Solidity source.</summary>
    public static string ContractName(string source, string path)
    {
        var m = ContractRegex().Matches(source);
        if (m.Count == 0) throw new UserException($"{path}: no contract declaration found (expected a verifier written by zkml create-evm-verifier)");
        return m[^1].Groups[1].Value;
    }

    [GeneratedRegex(@"^\s*contract\s+([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.Multiline)]
    private static partial Regex ContractRegex();

    /// <summary>A JSON-RPC URL from the command line.</summary>
    public static Uri Rpc(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
            throw new UserException($"--rpc {url}: expected an http(s) JSON-RPC URL, e.g. {DefaultRpc}");
        return u;
    }

    /// <summary>A chain over <paramref name="rpc"/>, signing locally with <paramref name="privateKey"/> when given.</summary>
    public static EvmChain Connect(Uri rpc, string? privateKey)
    {
        try { return EvmChain.Connect(rpc, privateKey); }
        catch (FormatException e) { throw new UserException($"--private-key: {e.Message}"); }
    }

    /// <summary>
    /// Runs <paramref name="body"/> against a fresh local anvil on loopback, stopped afterwards; with
    /// <paramref name="disableCodeSizeLimit"/> the node accepts runtime code over EIP-170's 24,576 bytes.
    /// </summary>
    public static async Task<T> OnLocalAnvil<T>(string root, Func<EvmChain, Task<T>> body, bool disableCodeSizeLimit = false)
    {
        await using var node = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = root, DisableCodeSizeLimit = disableCodeSizeLimit }).ConfigureAwait(false);
        using var chain = node.Chain();
        return await body(chain).ConfigureAwait(false);
    }

    /// <summary>Runs an async step synchronously under a spinner; an unreachable node becomes a one-line error.</summary>
    public static T Run<T>(VerbContext ctx, string title, string? rpc, Func<Task<T>> body) => ctx.Step(title, () =>
    {
        try
        {
            return body().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or RpcClientUnknownException or RpcClientTimeoutException)
        {
            throw new UserException($"cannot reach the JSON-RPC node {rpc ?? "(local anvil)"}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (RpcResponseException e)
        {
            throw new UserException($"the node {rpc ?? "(local anvil)"} refused: {e.RpcError?.Message ?? e.Message} (code {e.RpcError?.Code})");
        }
    });

    /// <summary>The same proof claiming a different first output logit (+1): a statement the verifier must reject.</summary>
    public static InferenceProof Tamper(VerifyingKey vk, InferenceProof proof)
    {
        var io = proof.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        var lie = io.IsPrivate
            ? PublicIO.CreatePrivate(vk, io.BatchSize, io.InputCommitment!.Value, y.AsSpan(0, io.BatchSize * vk.OutputColumns), io.InputCommitmentHigh)
            : PublicIO.Create(vk, io.BatchSize, io.Inputs, y.AsSpan(0, PublicIO.StatedRows(vk, io.BatchSize) * vk.OutputColumns));
        return InferenceProof.FromParts(proof.VkDigest, lie.Words, proof.ProofBytes, proof.Flags);
    }

    /// <summary>gasUsed and its split as JSON.</summary>
    public static JsonObject GasJson(VerifyGasReport gas) => new()
    {
        ["gasUsed"] = gas.Breakdown.GasUsed,
        ["calldata"] = gas.Breakdown.Calldata,
        ["precompiles"] = gas.Breakdown.PrecompileTotal,
        ["execution"] = gas.Breakdown.Execution,
    };

    /// <summary>
    /// What the demo's on-chain step found. <see cref="OverEip170"/>: the runtime code exceeds EIP-170's limit, so the
    /// local anvil ran with <c>--disable-code-size-limit</c> and mainnet would refuse the deployment.
    /// </summary>
    public sealed record DemoResult(string SolidityPath, int DeployedSize, int FirstPartSize, ulong DeploymentGas, bool Accepted, bool TamperedRejected, VerifyGasReport Gas, double Seconds, bool OverEip170)
    {
        /// <summary>"N bytes", or "N + M bytes (two contracts)" for a split verifier.</summary>
        public string SizeText => FirstPartSize == 0 ? $"{DeployedSize:N0} bytes" : $"{DeployedSize:N0} + {FirstPartSize:N0} bytes (two contracts)";

        public JsonObject ToJson() => new()
        {
            ["verifier"] = Path.GetFullPath(SolidityPath),
            ["deployedBytes"] = DeployedSize,
            ["firstPartBytes"] = FirstPartSize == 0 ? null : FirstPartSize,
            ["eip170Limit"] = CompiledContract.Eip170CodeSizeLimit,
            ["overEip170"] = OverEip170,
            ["codeSizeLimitDisabled"] = OverEip170,
            ["deploymentGas"] = DeploymentGas,
            ["accepted"] = Accepted,
            ["tamperedRejected"] = TamperedRejected,
            ["verifyGas"] = Gas.Breakdown.GasUsed,
            ["gas"] = GasJson(Gas),
            ["seconds"] = Math.Round(Seconds, 3),
        };
    }

    /// <summary>
    /// The demo's on-chain half: generate the verifier for <paramref name="vk"/>, compile it, start a local
    /// anvil, deploy, verify the proof by eth_call and as a transaction (gas), check that a tampered
    /// statement is rejected, stop the node. Every example's verifier fits EIP-170 (a conv verifier, or a dense one over the limit
    /// as a single contract, as two contracts); runtime code over the limit even then (a very deep model) gets a WARNING (mainnet would refuse it) and an anvil started with
    /// <c>--disable-code-size-limit</c>, so the proof is still checked on chain.
    /// </summary>
    public static DemoResult Demo(VerbContext ctx, string root, VerifyingKey vk, InferenceProof proof, string solidityPath)
    {
        var sw = Stopwatch.StartNew();
        var compiled = GenerateAndCompile(ctx, root, vk, SolidityVerifierGenerator.DefaultContractName, solidityPath);
        CliHost.WriteAtomic(solidityPath, System.Text.Encoding.UTF8.GetBytes(compiled.Source));
        var contract = compiled.Main;
        bool overLimit = !compiled.Fits;
        if (overLimit)
            ctx.Alert($"the generated verifier's {LimitText(compiled)}: "
                + "it would NOT deploy on mainnet (or any chain enforcing EIP-170); the demo's local anvil runs with --disable-code-size-limit");
        var tampered = Tamper(vk, proof);
        var (verifier, accepted, rejected, gas) = Run(ctx, "deploying to a local anvil and verifying on chain", null, () => OnLocalAnvil(root, async chain =>
        {
            var v = await OnChainVerifier.DeployAsync(chain, contract).ConfigureAwait(false);
            var ok = await v.VerifyAsync(proof).ConfigureAwait(false);
            var bad = await v.VerifyAsync(tampered).ConfigureAwait(false);
            var g = await v.MeasureAsync(proof).ConfigureAwait(false);
            return (v, ok.Accepted, !bad.Accepted, g);
        }, overLimit));
        return new DemoResult(solidityPath, verifier.DeployedSize, verifier.FirstPartSize, verifier.DeploymentGas, accepted, rejected, gas, sw.Elapsed.TotalSeconds, overLimit);
    }
}

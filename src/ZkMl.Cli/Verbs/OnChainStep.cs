using System.Text;
using System.Text.Json.Nodes;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Proofs.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// The on-chain half of the demo: generate the verifier contract for a key, compile it with the pinned
/// solc, start a local anvil, deploy, verify the proof with eth_call and as a transaction (gas), check
/// that a tampered statement is rejected, stop the node.
/// </summary>
internal static class OnChainStep
{
    /// <summary>What happened on chain.</summary>
    public sealed record Result(string SolidityPath, int DeployedSize, ulong DeploymentGas, bool Accepted, bool TamperedRejected, VerifyGasReport Gas, double CompileSeconds, double ChainSeconds)
    {
        public JsonObject ToJson() => new()
        {
            ["verifier"] = Path.GetFullPath(SolidityPath),
            ["deployedBytes"] = DeployedSize,
            ["deploymentGas"] = DeploymentGas,
            ["accepted"] = Accepted,
            ["tamperedRejected"] = TamperedRejected,
            ["verifyGas"] = Gas.Breakdown.GasUsed,
            ["gas"] = new JsonObject
            {
                ["calldata"] = Gas.Breakdown.Calldata,
                ["precompiles"] = Gas.Breakdown.PrecompileTotal,
                ["execution"] = Gas.Breakdown.Execution,
            },
            ["seconds"] = new JsonObject { ["solc"] = Math.Round(CompileSeconds, 3), ["chain"] = Math.Round(ChainSeconds, 3) },
        };
    }

    public static Result Run(VerbContext ctx, string repositoryRoot, VerifyingKey vk, InferenceProof proof, string solidityPath)
    {
        var source = SolidityVerifierGenerator.Generate(vk);
        CliHost.WriteAtomic(solidityPath, Encoding.UTF8.GetBytes(source));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var contract = ctx.Step("compiling the verifier contract (solc)", () =>
            new SolcCompiler(repositoryRoot).CompileContractAsync(source, SolidityVerifierGenerator.DefaultContractName, fileName: Path.GetFileName(solidityPath))
                .GetAwaiter().GetResult());
        double compileSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var tampered = Tamper(vk, proof);
        var (verifier, accepted, rejected, gas) = ctx.Step("deploying to a local anvil and verifying on chain", () => Chain(repositoryRoot, contract, proof, tampered).GetAwaiter().GetResult());
        return new Result(solidityPath, verifier.DeployedSize, verifier.DeploymentGas, accepted, rejected, gas, compileSeconds, sw.Elapsed.TotalSeconds);
    }

    private static async Task<(OnChainVerifier, bool, bool, VerifyGasReport)> Chain(string root, CompiledContract contract, InferenceProof proof, InferenceProof tampered)
    {
        await using var node = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = root }).ConfigureAwait(false);
        var chain = new EvmChain(node.Rpc);
        var verifier = await OnChainVerifier.DeployAsync(chain, contract).ConfigureAwait(false);
        var verdict = await verifier.VerifyAsync(proof).ConfigureAwait(false);
        var bad = await verifier.VerifyAsync(tampered).ConfigureAwait(false);
        var gas = await verifier.MeasureAsync(proof).ConfigureAwait(false);
        return (verifier, verdict.Accepted, !bad.Accepted, gas);
    }

    /// <summary>The same proof claiming a different first output logit (+1).</summary>
    private static InferenceProof Tamper(VerifyingKey vk, InferenceProof proof)
    {
        var io = proof.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        var lie = PublicIO.Create(vk, io.BatchSize, io.Inputs, y);
        return InferenceProof.FromParts(proof.VkDigest, lie.Words, proof.ProofBytes);
    }
}

using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Evm;
using Nethereum.RPC.Eth.DTOs;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml verify-onchain --vk keys/vk.bin --proof proof.bin [--rpc URL] [--address A]</c>. With no --rpc:
/// starts a local anvil on loopback, deploys the key's verifier, verifies (eth_call, then a transaction for
/// gasUsed), stops the node. With --rpc: uses the verifier at --address (or deploys one there) and
/// reports eth_call's verdict and eth_estimateGas (no transaction is sent to a node you name).
/// </summary>
internal static class VerifyOnchainVerb
{
    public static Command Create()
    {
        var vk = new Option<string>("--vk") { HelpName = "FILE", Description = "The verifying key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "vk.bin") };
        var proof = new Option<string>("--proof") { HelpName = "FILE", Description = "The proof file from zkml prove", DefaultValueFactory = _ => "proof.bin" };
        var rpc = new Option<string?>("--rpc") { HelpName = "URL", Description = "A node's JSON-RPC endpoint (default: a local anvil started and stopped for this check)" };
        var address = new Option<string?>("--address") { HelpName = "A", Description = "The deployed verifier (with --rpc; default: deploy the key's verifier there first)" };
        var key = new Option<string?>("--private-key") { HelpName = "HEX", Description = "Sign the deployment locally with this key (with --rpc and no --address)" };
        var cmd = new Command("verify-onchain", "Verify a proof with the key's Solidity verifier on a chain: prints the verdict, gas and the deployed bytecode size")
        {
            vk, proof, rpc, address, key,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "verify-onchain", ctx =>
            Run(ctx, pr.GetValue(vk)!, pr.GetValue(proof)!, pr.GetValue(rpc), pr.GetValue(address), pr.GetValue(key))));
        return cmd;
    }

    private sealed record Outcome(string Address, int DeployedSize, bool Accepted, bool Reverted, string? Error, ulong Gas, bool GasMeasured, VerifyGasReport? Report);

    private static int Run(VerbContext ctx, string vkPath, string proofPath, string? rpcUrl, string? address, string? privateKey)
    {
        if (address is not null && rpcUrl is null) throw new UserException("--address needs --rpc (the node where the verifier is deployed)");
        if (privateKey is not null && (rpcUrl is null || address is not null)) throw new UserException("--private-key only applies to a deployment on --rpc (without --address)");
        CliArgs.PrivateKey(privateKey);
        CliArgs.Address(address);
        if (rpcUrl is not null) OnChain.Rpc(rpcUrl);
        CliFiles.Require(vkPath, FileKind.VerifyingKey);
        CliFiles.Require(proofPath, FileKind.Proof);
        var key = VerifyingKey.Load(vkPath);
        Pipeline.WarnIfInsecure(ctx, key, vkPath);
        var proof = InferenceProof.Load(proofPath);
        if (!proof.VkDigest.AsSpan().SequenceEqual(key.Digest))
            return Rejected(ctx, key, $"{proofPath} was made for another verifying key (digest {Convert.ToHexStringLower(proof.VkDigest)[..16]}…), not {vkPath} ({key.DigestHex[..16]}…)");
        var calldata = VerifierCalldata.Encode(proof);

        Outcome o;
        if (rpcUrl is null)
        {
            string root = OnChain.Tools();
            var compiled = OnChain.Compile(ctx, root, SolidityVerifierGenerator.Generate(key), SolidityVerifierGenerator.DefaultContractName, "Verifier.sol");
            var contract = compiled.Main;
            // As zkml demo: a verifier over EIP-170 (a larger model) is still checked, on an anvil without the limit, with an alert.
            if (compiled.OverEip170)
                ctx.Alert($"the generated verifier's runtime code is {compiled.SizeText}, over the EIP-170 limit of {CompiledContract.Eip170CodeSizeLimit:N0}: "
                    + "it would NOT deploy on mainnet (or any chain enforcing EIP-170); this local anvil runs with --disable-code-size-limit");
            o = OnChain.Run(ctx, "deploying to a local anvil and verifying", null, () => OnChain.OnLocalAnvil(root, async chain =>
            {
                var v = await OnChainVerifier.DeployAsync(chain, contract).ConfigureAwait(false);
                var verdict = await v.CallAsync(calldata).ConfigureAwait(false);
                VerifyGasReport? report = verdict.Accepted ? await v.SendAsync(calldata).ConfigureAwait(false) : null;
                return new Outcome(v.Address, v.DeployedSize, verdict.Accepted, verdict.Reverted, verdict.Error, report?.Breakdown.GasUsed ?? 0, report is not null, report);
            }, compiled.OverEip170));
        }
        else
        {
            var url = OnChain.Rpc(rpcUrl);
            using var chain = OnChain.Connect(url, privateKey);
            var contract = address is null
                ? OnChain.Compile(ctx, OnChain.Tools(), SolidityVerifierGenerator.Generate(key), SolidityVerifierGenerator.DefaultContractName, "Verifier.sol").Main
                : null;
            o = OnChain.Run(ctx, $"verifying on {url}", rpcUrl, async () =>
            {
                OnChainVerifier v;
                int size;
                if (contract is not null)
                {
                    v = await OnChainVerifier.DeployAsync(chain, contract).ConfigureAwait(false);
                    size = v.DeployedSize;
                }
                else
                {
                    string a;
                    try { a = EvmHex.NormalizeAddress(address!); }
                    catch (ArgumentException) { throw new UserException($"--address {address}: expected a 20-byte hex address (0x…)"); }
                    size = EvmHex.Decode(await chain.Web3.Eth.GetCode.SendRequestAsync(a).ConfigureAwait(false) ?? "0x").Length;
                    if (size == 0) throw new UserException($"--address {a}: no contract deployed there on {url}");
                    v = OnChainVerifier.At(chain, a);
                }
                var verdict = await v.CallAsync(calldata).ConfigureAwait(false);
                ulong gas = verdict.Accepted
                    ? (ulong)(await chain.Web3.Eth.Transactions.EstimateGas.SendRequestAsync(
                        new CallInput { To = v.Address, Data = EvmHex.Encode(calldata) }).ConfigureAwait(false)).Value
                    : 0;
                return new Outcome(v.Address, size, verdict.Accepted, verdict.Reverted, verdict.Error, gas, false, null);
            });
        }

        // The contract only says true or false: the C# verifier says why.
        string? why = o.Accepted ? null : CSharpReason(key, proof);
        if (ctx.JsonMode)
        {
            string? reason = o.Accepted ? null : (o.Reverted ? "the verifier reverted: " + o.Error : "the verifier returned false") + why;
            var j = new JsonObject
            {
                ["verified"] = o.Accepted,
                ["insecure"] = key.IsInsecure,
                ["reason"] = reason,
                ["error"] = o.Accepted ? null : "not verified: " + reason,
                ["address"] = o.Address,
                ["rpc"] = rpcUrl ?? "local anvil",
                ["deployedBytes"] = o.DeployedSize,
                ["gasUsed"] = o.GasMeasured ? o.Gas : null,
                ["gasEstimate"] = o.GasMeasured || !o.Accepted ? null : o.Gas,
                ["gas"] = o.Report is null ? null : OnChain.GasJson(o.Report),
            };
            ctx.WriteJson(j);
            if (!o.Accepted) ctx.StdErr.WriteLine($"zkml verify-onchain: not verified: {j["reason"]}");
            return o.Accepted ? 0 : CliHost.ExitError;
        }
        if (!o.Accepted) return Rejected(ctx, key, (o.Reverted ? $"the verifier at {o.Address} reverted: {o.Error}" : $"the verifier at {o.Address} returned false") + why);
        string where = rpcUrl is null ? "a local anvil" : rpcUrl;
        string gasText = o.GasMeasured ? $"gasUsed {o.Gas:N0}" : $"gas estimate {o.Gas:N0}";
        ctx.Out.MarkupLine($"[green]verified on chain[/]: {Markup.Escape(proofPath)} by the verifier at {o.Address} on {Markup.Escape(where)}; {gasText}; deployed bytecode {o.DeployedSize:N0} bytes");
        if (o.Report is not null && !ctx.Quiet) ctx.Err.MarkupLine($"[grey]{Markup.Escape(o.Report.ToString())}[/]");
        return 0;
    }

    /// <summary>"; the C# verifier: REASON (Failure)" for a statement the contract refused, or "" if C# accepts it.</summary>
    private static string CSharpReason(VerifyingKey key, InferenceProof proof)
    {
        var r = InferenceVerifier.Verify(key, proof);
        return r.IsValid ? "; the C# verifier accepts this proof (a difference between the two verifiers: please report it)" : $"; the C# verifier: {r.Reason} ({r.Failure})";
    }

    private static int Rejected(VerbContext ctx, VerifyingKey key, string reason)
    {
        if (ctx.JsonMode) ctx.WriteJson(new JsonObject { ["verified"] = false, ["insecure"] = key.IsInsecure, ["reason"] = reason, ["error"] = "not verified: " + reason });
        ctx.StdErr.WriteLine($"zkml verify-onchain: not verified: {reason}");
        return CliHost.ExitError;
    }
}

using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml deploy Verifier.sol [--rpc URL]</c>: compiles the verifier with the pinned solc and deploys it.</summary>
internal static class DeployVerb
{
    public static Command Create()
    {
        var source = new Argument<string>("VERIFIER") { Description = "The Solidity verifier from zkml create-evm-verifier" };
        var rpc = new Option<string>("--rpc") { HelpName = "URL", Description = "The node's JSON-RPC endpoint", DefaultValueFactory = _ => OnChain.DefaultRpc };
        var key = new Option<string?>("--private-key") { HelpName = "HEX", Description = "Sign locally with this key (default: the node's first unlocked account, e.g. anvil's)" };
        var cmd = new Command("deploy", "Compile a verifier contract (pinned solc) and deploy it; prints the address") { source, rpc, key };
        cmd.SetAction(pr => CliHost.Run(pr, "deploy", ctx => Run(ctx, pr.GetValue(source)!, pr.GetValue(rpc)!, pr.GetValue(key))));
        return cmd;
    }

    private static int Run(VerbContext ctx, string path, string rpcUrl, string? privateKey)
    {
        var url = OnChain.Rpc(rpcUrl);
        CliArgs.PrivateKey(privateKey);
        string text = File.ReadAllText(CliFiles.Require(path, FileKind.Solidity));
        string name = OnChain.ContractName(text, path);
        // A verifier of a development key accepts forged proofs: deploying one is worth a loud warning.
        bool? insecure = SolidityVerifierGenerator.DeclaresInsecureOrigin(text);
        if (insecure == true)
            ctx.Alert($"{path} verifies proofs under a key made on an INSECURE development SRS (its header says so): whoever made the key knows τ and can forge proofs this contract accepts. Deploy verifiers of keys made with zkml setup --ptau CEREMONY.ptau for real use.");
        var compiled = OnChain.Compile(ctx, OnChain.Tools(), text, name, path);
        var contract = compiled.Main;
        if (!compiled.Fits)
            ctx.Warn(OnChain.LimitText(compiled) + (CompiledVerifier.CanSplitSource(text) ? $" (zkml create-evm-verifier writes a dense verifier over the limit as two contracts; was {path} made with --no-compile?)" : ""));
        using var chain = OnChain.Connect(url, privateKey);
        var d = OnChain.Run(ctx, $"deploying {name} to {url}", rpcUrl, () => chain.DeployAsync(contract.CreationBytecode));
        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["address"] = d.Address, ["contract"] = name, ["rpc"] = url.ToString(), ["insecure"] = insecure,
                ["deployedBytes"] = d.DeployedSize, ["gasUsed"] = d.GasUsed, ["transactionHash"] = d.TransactionHash,
            });
            return 0;
        }
        ctx.Out.MarkupLine($"deployed {Markup.Escape(name)} at [green]{d.Address}[/] on {Markup.Escape(url.ToString())}: {d.DeployedSize:N0} bytes of runtime code, {d.GasUsed:N0} gas (tx {d.TransactionHash})");
        return 0;
    }
}

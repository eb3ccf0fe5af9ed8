using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml create-evm-verifier --vk keys/vk.bin [-o Verifier.sol]</c>: the Solidity verifier of a key, compiled once to report its size.</summary>
internal static class CreateEvmVerifierVerb
{
    public static Command Create()
    {
        var vk = new Option<string>("--vk") { HelpName = "FILE", Description = "The verifying key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "vk.bin") };
        var output = new Option<string>("--output", "-o") { HelpName = "FILE", Description = "The Solidity file to write", DefaultValueFactory = _ => "Verifier.sol" };
        var name = new Option<string>("--contract-name") { HelpName = "NAME", Description = "The contract's name", DefaultValueFactory = _ => SolidityVerifierGenerator.DefaultContractName };
        var noCompile = new Option<bool>("--no-compile") { Description = "Only write the source (skip the solc check and the size report)" };
        var cmd = new Command("create-evm-verifier", "Generate the Solidity verifier of a verifying key (verifyProof(bytes proof, uint256[] publicInputs) returns (bool))")
        {
            vk, output, name, noCompile,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "create-evm-verifier", ctx => Run(ctx, pr.GetValue(vk)!, pr.GetValue(output)!, pr.GetValue(name)!, pr.GetValue(noCompile))));
        return cmd;
    }

    private static int Run(VerbContext ctx, string vkPath, string outPath, string contractName, bool noCompile)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(contractName, "^[A-Za-z_][A-Za-z0-9_]*$"))
            throw new UserException($"--contract-name {contractName}: expected a Solidity identifier");
        CliFiles.Require(vkPath, FileKind.VerifyingKey);
        CliFiles.RefuseOverwrite(outPath, "-o", ("--vk", vkPath));
        var key = VerifyingKey.Load(vkPath);
        // (a ZK key the generator has no verifier for — unsupported shapes, a missing blinding base — gets the reason)
        if (SolidityVerifierGenerator.ZkRefusal(key) is { } zk) throw new UserException($"{vkPath}: {zk}");
        Pipeline.WarnIfInsecure(ctx, key, vkPath);
        // solc decides the form: a dense verifier over EIP-170 as one contract is written as two (without solc, always one)
        var compiled = noCompile ? null : OnChain.GenerateAndCompile(ctx, OnChain.Tools(), key, contractName, outPath);
        string source = compiled?.Source ?? SolidityVerifierGenerator.Generate(key, contractName);
        CliHost.WriteAtomic(outPath, Encoding.UTF8.GetBytes(source));
        int lines = source.Count(c => c == '\n');
        if (compiled is { Fits: false }) ctx.Warn($"{OnChain.LimitText(compiled)}: mainnet would refuse to deploy it");

        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["verifier"] = Path.GetFullPath(outPath),
                ["contract"] = contractName,
                ["lines"] = lines,
                ["vkDigest"] = key.DigestHex,
                ["insecure"] = key.IsInsecure,
                ["srs"] = Pipeline.OriginJson(key),
                ["deployedBytes"] = compiled?.Main.DeployedSize,
                ["creationBytes"] = compiled?.Main.CreationBytecode.Length,
                ["firstPart"] = compiled?.FirstPart is { } fp ? new JsonObject { ["contract"] = fp.Name, ["deployedBytes"] = fp.DeployedSize } : null,
                ["eip170Limit"] = CompiledContract.Eip170CodeSizeLimit,
                ["fitsEip170"] = compiled?.Fits,
                ["signature"] = VerifierCalldata.Signature,
            });
            return 0;
        }
        ctx.Out.MarkupLine($"wrote [green]{Markup.Escape(outPath)}[/]: contract {Markup.Escape(contractName)}, {lines:N0} lines, for vk {key.DigestHex[..16]}…"
            + (compiled is null ? "" : $"; runtime code {compiled.SizeText} (EIP-170 limit {CompiledContract.Eip170CodeSizeLimit:N0}{(compiled.FirstPart is null ? "" : " each")})")
            + (compiled?.FirstPart is { } first ? $"; the file holds both contracts, deploy {contractName} (its constructor creates {first.Name})" : ""));
        return 0;
    }
}

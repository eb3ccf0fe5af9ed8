using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using ZkMl.Evm;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml encode-calldata --proof proof.bin [-o calldata.txt]</c>: the verifyProof calldata as 0x-hex, for cast, ethers or a wallet.</summary>
internal static class EncodeCalldataVerb
{
    public static Command Create()
    {
        var proof = new Option<string>("--proof") { HelpName = "FILE", Description = "The proof file from zkml prove", DefaultValueFactory = _ => "proof.bin" };
        var output = new Option<string?>("--output", "-o") { HelpName = "FILE", Description = "Also write the 0x-hex calldata to this file" };
        var cmd = new Command("encode-calldata", $"Print the calldata of {VerifierCalldata.Signature} for a proof file (0x-hex)") { proof, output };
        cmd.SetAction(pr => CliHost.Run(pr, "encode-calldata", ctx => Run(ctx, pr.GetValue(proof)!, pr.GetValue(output))));
        return cmd;
    }

    private static int Run(VerbContext ctx, string proofPath, string? outPath)
    {
        CliFiles.Require(proofPath, FileKind.Proof);
        if (outPath is not null) CliFiles.RefuseOverwrite(outPath, "-o", ("--proof", proofPath));
        var proof = InferenceProof.Load(proofPath);
        var (calldata, proofHex, words) = VerifierCalldata.ToHex(proof);
        if (outPath is not null) CliHost.WriteAtomic(outPath, Encoding.ASCII.GetBytes(calldata + "\n"));
        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["signature"] = VerifierCalldata.Signature,
                ["selector"] = EvmHex.Encode(VerifierCalldata.Selector),
                ["calldata"] = calldata,
                ["bytes"] = (calldata.Length - 2) / 2,
                ["proof"] = proofHex,
                ["publicInputs"] = JsonNode.Parse("[" + string.Join(",", words.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries).Select(w => "\"" + w + "\"")) + "]"),
                ["vkDigest"] = Convert.ToHexStringLower(proof.VkDigest),
            });
            return 0;
        }
        // stdout is the calldata alone, so that $(zkml encode-calldata …) works in scripts.
        ctx.StdOut.WriteLine(calldata);
        ctx.Info($"{(calldata.Length - 2) / 2:N0} bytes of {VerifierCalldata.Signature} calldata; or: cast call ADDRESS \"{VerifierCalldata.Signature}\" <proof hex> \"{(words.Length > 60 ? words[..60] + "…]" : words)}\"");
        return 0;
    }
}

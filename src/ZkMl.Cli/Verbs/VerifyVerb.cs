using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml verify --vk keys/vk.bin --proof proof.bin</c>: exit 0 and "verified", or exit 1 and the reason.</summary>
internal static class VerifyVerb
{
    public static Command Create()
    {
        var vk = new Option<string>("--vk") { HelpName = "FILE", Description = "The verifying key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "vk.bin") };
        var proof = new Option<string>("--proof") { HelpName = "FILE", Description = "The proof file from zkml prove", DefaultValueFactory = _ => "proof.bin" };
        var cmd = new Command("verify", "Verify a proof file against a verifying key: exit 0 and \"verified\", or exit 1 and the reason") { vk, proof };
        cmd.SetAction(pr => CliHost.Run(pr, "verify", ctx => Run(ctx, pr.GetValue(vk)!, pr.GetValue(proof)!)));
        return cmd;
    }

    private static int Run(VerbContext ctx, string vkPath, string proofPath)
    {
        CliFiles.Require(vkPath, FileKind.VerifyingKey);
        // A proof file that is not one (a device, too large, another ZkMl file) is a failed verification
        // with the key's fields, like a corrupt proof; it is still refused before a byte of it is read.
        string? proofProblem = null;
        try { CliFiles.Require(proofPath, FileKind.Proof); }
        catch (UserException e) { proofProblem = e.Message; }
        var key = VerifyingKey.Load(vkPath);
        Pipeline.WarnIfInsecure(ctx, key, vkPath);
        byte[] bytes = proofProblem is null ? File.ReadAllBytes(proofPath) : [];
        var sw = Stopwatch.StartNew();
        VerificationResult result;
        InferenceProof? proof = null;
        if (proofProblem is not null)
            result = new VerificationResult(VerificationFailure.Malformed, proofProblem);
        else if (!InferenceProof.TryFromFileBytes(bytes, out proof, out var fileProblem))
            result = new VerificationResult(VerificationFailure.Malformed, $"{proofPath}: {fileProblem}");
        else
            result = InferenceVerifier.Verify(key, proof!);
        double ms = sw.Elapsed.TotalMilliseconds;

        PublicIO? io = result.IsValid ? proof!.DecodePublicIO(key) : null;
        if (ctx.JsonMode)
        {
            var o = new JsonObject
            {
                ["verified"] = result.IsValid,
                ["failure"] = result.IsValid ? null : result.Failure.ToString(),
                ["reason"] = result.Reason,
                ["error"] = result.IsValid ? null : $"not verified: {result.Reason} ({result.Failure})",
                ["vk"] = Path.GetFullPath(vkPath),
                ["proof"] = Path.GetFullPath(proofPath),
                ["vkDigest"] = key.DigestHex,
                ["insecure"] = key.IsInsecure,
                ["srs"] = Pipeline.OriginJson(key),
                ["milliseconds"] = Math.Round(ms, 2),
            };
            if (io is not null)
            {
                o["batch"] = io.BatchSize;
                o["argmax"] = new JsonArray(Enumerable.Range(0, io.BatchSize).Select(b => (JsonNode)Pipeline.ArgMax(io.OutputRow(b))).ToArray());
            }
            ctx.WriteJson(o);
        }
        else if (result.IsValid)
        {
            ctx.Out.MarkupLine($"[green]verified[/]: {Markup.Escape(proofPath)} against {Markup.Escape(vkPath)} — a batch of {io!.BatchSize}, argmax {string.Join(' ', Enumerable.Range(0, io.BatchSize).Select(b => Pipeline.ArgMax(io.OutputRow(b))))} ({ms:F1} ms)");
        }
        if (result.IsValid) return 0;
        ctx.StdErr.WriteLine($"zkml verify: not verified: {result.Reason} ({result.Failure})");
        return CliHost.ExitError;
    }
}

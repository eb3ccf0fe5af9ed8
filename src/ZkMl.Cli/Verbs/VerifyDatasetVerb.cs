using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Inference;
using ZkMl.Service.Batches;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml verify-dataset --vk keys/vk.bin --dir proofs/</c>: the whole set against its manifest.</summary>
internal static class VerifyDatasetVerb
{
    public static Command Create()
    {
        var vk = new Option<string>("--vk") { HelpName = "FILE", Description = "The verifying key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "vk.bin") };
        var dir = new Option<string>("--dir") { HelpName = "DIR", Description = "The folder written by zkml prove-dataset", DefaultValueFactory = _ => "proofs" };
        var cmd = new Command("verify-dataset", "Check a proven dataset against its manifest: every row covered exactly once, every proof valid, the rows in each proof match the manifest's SHA-256")
        {
            vk, dir,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "verify-dataset", ctx => Run(ctx, pr.GetValue(vk)!, pr.GetValue(dir)!)));
        return cmd;
    }

    private static int Run(VerbContext ctx, string vkPath, string dir)
    {
        var key = VerifyingKey.Load(CliFiles.Require(vkPath, "a verifying key from zkml setup"));
        Pipeline.WarnIfInsecure(ctx, key, vkPath);
        if (!Directory.Exists(dir)) throw new UserException($"{dir}: folder not found (expected the --out folder of zkml prove-dataset)");
        var sw = Stopwatch.StartNew();
        DatasetReport report;
        try { report = DatasetVerifier.Verify(key, dir); }
        catch (DatasetException e) { throw new UserException(e.Message); }
        double seconds = sw.Elapsed.TotalSeconds;
        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["verified"] = report.IsValid,
                ["rows"] = report.Manifest.Rows,
                ["batches"] = report.Manifest.Batches.Count,
                ["proofsVerified"] = report.ProofsVerified,
                ["problems"] = new JsonArray(report.Problems.Select(p => (JsonNode)p).ToArray()),
                ["vkDigest"] = key.DigestHex,
                ["insecure"] = key.IsInsecure,
                ["seconds"] = Math.Round(seconds, 3),
            });
        }
        else if (report.IsValid)
        {
            ctx.Out.MarkupLine($"[green]verified[/]: {report.Manifest.Rows:N0} rows in {report.ProofsVerified} proofs under {Markup.Escape(vkPath)}, each row covered once ({seconds:F1} s)");
        }
        if (report.IsValid) return 0;
        foreach (var p in report.Problems) ctx.StdErr.WriteLine($"zkml verify-dataset: {p}");
        ctx.StdErr.WriteLine($"zkml verify-dataset: not verified: {report.Problems.Count} problem(s)");
        return CliHost.ExitError;
    }
}

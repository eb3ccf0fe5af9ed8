using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Service.Batches;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml prove-dataset circuit.zkc --pk keys/pk.bin --data big.json --batch N --out proofs/</c>: batches, proofs and a manifest; resumable.</summary>
internal static class ProveDatasetVerb
{
    public static Command Create()
    {
        var circuit = new Argument<string>("CIRCUIT") { Description = "The circuit file (.zkc) the keys were made for" };
        var pk = new Option<string>("--pk") { HelpName = "FILE", Description = "The proving key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "pk.bin") };
        var data = new Option<string>("--data") { HelpName = "data.json", Description = "All rows in EZKL's input.json format", Required = true };
        var batch = new Option<int>("--batch") { HelpName = "N", Description = "Rows per proof (at most the key's --max-batch)", DefaultValueFactory = _ => 1024 };
        var output = new Option<string>("--out", "-o") { HelpName = "DIR", Description = "Folder for the proofs and manifest.json; an existing run there resumes", DefaultValueFactory = _ => "proofs" };
        var cmd = new Command("prove-dataset", "Prove a whole dataset in batches: one proof per batch and a manifest (rows, SHA-256 of the rows, proof file, status); rerun to resume after a crash")
        {
            circuit, pk, data, batch, output,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "prove-dataset", ctx =>
            Run(ctx, pr.GetValue(circuit)!, pr.GetValue(pk)!, pr.GetValue(data)!, pr.GetValue(batch), pr.GetValue(output)!, CancellationToken.None)));
        return cmd;
    }

    internal static int Run(VerbContext ctx, string circuitPath, string pkPath, string dataPath, int batch, string outDir, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        Circuit circuit = CircuitFile.Load(CliFiles.Require(circuitPath, "a circuit file (.zkc) from zkml compile"));
        ProvingKey key = ctx.Step($"reading {pkPath}", () => ProvingKey.Load(CliFiles.Require(pkPath, "a proving key from zkml setup")));
        if (!key.Circuit.Digest.AsSpan().SequenceEqual(circuit.Digest))
            throw new UserException($"{pkPath}: made for another circuit (digest {key.Circuit.DigestHex[..16]}…), not {circuitPath} ({circuit.DigestHex[..16]}…); run zkml setup on {circuitPath}");
        float[][] rows = ctx.Step($"reading {dataPath}", () => InputData.Load(CliFiles.Require(dataPath, "rows in EZKL's input.json format"), circuit.InputSize));
        Pipeline.WarnIfInsecure(ctx, key.VerifyingKey, pkPath);
        int proven = 0, skipped = 0;
        double proveSeconds = 0;
        DatasetManifest m;
        try
        {
            m = DatasetProver.Run(key, rows, batch, outDir, p =>
            {
                if (p.Skipped) skipped++;
                else { proven++; proveSeconds += p.Batch.ProveSeconds; }
                ctx.Info($"batch {p.Batch.Index} (rows {p.Batch.FirstRow}…{p.Batch.FirstRow + p.Batch.RowCount - 1}): {(p.Skipped ? "already proven, skipped" : $"proven in {p.Batch.ProveSeconds:F2} s")} [{p.Done}/{p.Total}]");
            }, ct: ct);
        }
        catch (DatasetException e) { throw new UserException(e.Message); }
        double seconds = sw.Elapsed.TotalSeconds;
        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["out"] = Path.GetFullPath(outDir),
                ["manifest"] = Path.GetFullPath(Path.Combine(outDir, DatasetManifest.FileName)),
                ["rows"] = m.Rows,
                ["batchSize"] = m.BatchSize,
                ["batches"] = m.Batches.Count,
                ["proven"] = proven,
                ["skipped"] = skipped,
                ["vkDigest"] = m.VkDigest,
                ["insecure"] = key.VerifyingKey.IsInsecure,
                ["seconds"] = new JsonObject { ["prove"] = Math.Round(proveSeconds, 3), ["total"] = Math.Round(seconds, 3) },
            });
            return 0;
        }
        ctx.Out.MarkupLine($"wrote [green]{Markup.Escape(Path.Combine(outDir, DatasetManifest.FileName))}[/]: {m.Rows:N0} rows in {m.Batches.Count} batches of ≤ {m.BatchSize} ({proven} proven, {skipped} already done) in {seconds:F1} s");
        return 0;
    }
}

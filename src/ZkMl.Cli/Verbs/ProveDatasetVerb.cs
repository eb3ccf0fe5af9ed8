using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Service.Batches;
using ZkMl.Service.Cluster;

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
        var silo = SiloVerb.ClusterOptions();
        var cmd = new Command("prove-dataset", "Prove a whole dataset in batches: one proof per batch and a manifest (rows, SHA-256 of the rows, proof file, status); rerun to resume after a crash. "
            + "Batches run on an embedded Orleans silo, or with --cluster on every silo of a cluster (zkml silo) whose membership lives in Redis")
        {
            circuit, pk, data, batch, output, silo.Cluster, silo.ClusterId, silo.Address, silo.SiloPort,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "prove-dataset", ctx =>
            Run(ctx, pr.GetValue(circuit)!, pr.GetValue(pk)!, pr.GetValue(data)!, pr.GetValue(batch), pr.GetValue(output)!, silo.Settings(pr, ctx), CancellationToken.None)));
        return cmd;
    }

    internal static int Run(VerbContext ctx, string circuitPath, string pkPath, string dataPath, int batch, string outDir, SiloSettings settings, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        Circuit circuit = CircuitFile.Load(CliFiles.Require(circuitPath, "a circuit file (.zkc) from zkml compile"));
        ProvingKey key = ctx.Step($"reading {pkPath}", () => ProvingKey.Load(CliFiles.Require(pkPath, "a proving key from zkml setup")));
        if (!key.Circuit.Digest.AsSpan().SequenceEqual(circuit.Digest))
            throw new UserException($"{pkPath}: made for another circuit (digest {key.Circuit.DigestHex[..16]}…), not {circuitPath} ({circuit.DigestHex[..16]}…); run zkml setup on {circuitPath}");
        float[][] rows = ctx.Step($"reading {dataPath}", () => InputData.Load(CliFiles.Require(dataPath, "rows in EZKL's input.json format"), circuit.InputSize));
        Pipeline.WarnIfInsecure(ctx, key.VerifyingKey, pkPath);
        ClusterRunReport report;
        var say = new object();
        try
        {
            report = SiloVerb.Sync(async () =>
            {
                await using var silo = await ProverSilo.StartAsync(settings, [key], ct);
                if (settings.Redis is not null)
                    ctx.Info($"joined cluster {settings.ClusterId} ({settings.Redis}) as silo {silo.Name}; {silo.ActiveSilos().Count} active silo(s)");
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, silo.Stopping);
                return await ClusterDatasetProver.RunAsync(silo, key, rows, batch, outDir, p => { lock (say) ctx.Info($"batch {p.Batch.Index} (rows {p.Batch.FirstRow}…{p.Batch.FirstRow + p.Batch.RowCount - 1}): "
                        + (p.Skipped ? "already proven, skipped" : $"proven in {p.Batch.ProveSeconds:F2} s{(settings.Redis is null ? "" : $" on silo {p.Batch.ProvenBy}")}") + $" [{p.Done}/{p.Total}]"); },
                    line => { lock (say) ctx.Info(line); }, stop.Token);
            });
        }
        catch (DatasetException e) { throw new UserException(e.Message); }
        catch (SiloStartException e) { throw new UserException(e.Message); }
        catch (OperationCanceledException)
        {
            throw new UserException($"stopped before the end: {Path.Combine(outDir, DatasetManifest.FileName)} holds every batch proven so far; rerun the same command to resume");
        }
        var m = report.Manifest;
        double seconds = sw.Elapsed.TotalSeconds;
        double proveSeconds = m.Batches.Where(b => b.Status == BatchStatus.Done).Sum(b => b.ProveSeconds);
        if (ctx.JsonMode)
        {
            var bySilo = new JsonObject();
            foreach (var (s, n) in report.BySilo.OrderBy(kv => kv.Key, StringComparer.Ordinal)) bySilo[s] = n;
            ctx.WriteJson(new JsonObject
            {
                ["out"] = Path.GetFullPath(outDir),
                ["manifest"] = Path.GetFullPath(Path.Combine(outDir, DatasetManifest.FileName)),
                ["rows"] = m.Rows,
                ["batchSize"] = m.BatchSize,
                ["batches"] = m.Batches.Count,
                ["proven"] = report.Proven,
                ["skipped"] = report.Skipped,
                ["deduplicated"] = report.Deduplicated,
                ["retried"] = report.Retried,
                ["cluster"] = settings.Redis is null ? null : settings.ClusterId,
                ["silos"] = report.SilosUsed,
                ["bySilo"] = bySilo,
                ["vkDigest"] = m.VkDigest,
                ["insecure"] = key.VerifyingKey.IsInsecure,
                ["seconds"] = new JsonObject { ["prove"] = Math.Round(proveSeconds, 3), ["total"] = Math.Round(seconds, 3) },
            });
            return 0;
        }
        string where = settings.Redis is null ? "" : $" on {report.SilosUsed} silo(s) of cluster {settings.ClusterId}";
        ctx.Out.MarkupLine($"wrote [green]{Markup.Escape(Path.Combine(outDir, DatasetManifest.FileName))}[/]: {m.Rows:N0} rows in {m.Batches.Count} batches of ≤ {m.BatchSize} ({report.Proven} proven{Markup.Escape(where)}, {report.Skipped} already done) in {seconds:F1} s");
        return 0;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml bench circuit.zkc [--batch N]</c>: setup on a development SRS sized for N, prove, verify;
/// reports the prover's stages, sizes, verify time and peak memory of this process.
/// </summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var circuit = new Argument<string>("CIRCUIT") { Description = "The circuit file (.zkc) to measure" };
        var batch = new Option<string>("--batch", "-b") { HelpName = "N[,N…]", Description = "Rows in the proven batch; several sizes separated by commas (e.g. 1,16,64) share one setup sized for the largest", DefaultValueFactory = _ => "1" };
        var input = new Option<string?>("--input", "-i") { HelpName = "input.json", Description = "Inputs in EZKL's input.json format, cycled to fill the batch (default: random inputs in the circuit's input range)" };
        var runs = new Option<int>("--runs") { HelpName = "R", Description = "Proofs to make per batch size; the fastest one's stages are reported", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { HelpName = "SEED", Description = "Seed of the random inputs (the development SRS takes its τ from the OS CSPRNG)", DefaultValueFactory = _ => 1 };
        var table = Pipeline.FixedBaseTableOption();
        var plot = new Option<string?>("--plot") { HelpName = "FILE.png", Description = "Also draw the stages stacked per batch size and the prove time against batch size to this PNG" };
        var cmd = new Command("bench", "Measure setup, prove (per stage) and verify of one circuit at one or more batch sizes on an INSECURE development SRS")
        {
            circuit, batch, input, runs, seed, plot, table,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "bench", ctx =>
            Run(ctx, pr.GetValue(circuit)!, ParseBatches(pr.GetValue(batch)!), pr.GetValue(input), pr.GetValue(runs), pr.GetValue(seed), pr.GetValue(plot),
                Pipeline.ParseFixedBaseTable(pr.GetValue(table)!))));
        return cmd;
    }

    private const int VerifyRuns = 5;

    /// <summary>"1,16,64" → [1, 16, 64]: each in 1…MaxBatchLimit, no repeats.</summary>
    internal static int[] ParseBatches(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var r = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int b) || b < 1 || b > InferenceSetup.MaxBatchLimit)
                throw new UserException($"--batch {text}: '{p}' is not a batch size 1…{InferenceSetup.MaxBatchLimit} (give N or N,N,…)");
            if (r.Contains(b)) throw new UserException($"--batch {text}: {b} appears twice");
            r.Add(b);
        }
        return r.ToArray();
    }

    /// <summary>One timed proof: its wall time, the garbage-collection pauses and the JIT compilation (all threads) in it.</summary>
    private sealed record ProveRun(InferenceProof Proof, ProverTimings Timings, double Wall, double GcPause, double Jit);

    /// <summary>What one batch size measured.</summary>
    private sealed record BatchResult(int Batch, int Padded, List<ProveRun> Runs, double VerifyCold, double VerifyWarm)
    {
        public ProveRun Best => Runs.MinBy(x => x.Wall)!;

        /// <summary>The prove figures of <c>--json</c>'s "seconds": the fastest run's wall, pauses and JIT, every run's wall.</summary>
        public JsonObject ProveSeconds(JsonObject into)
        {
            into["prove"] = Math.Round(Best.Wall, 3);
            into["proveGcPause"] = Math.Round(Best.GcPause, 3);
            into["proveJit"] = Math.Round(Best.Jit, 3);
            into["proveRuns"] = new JsonArray(Runs.Select(x => (JsonNode)Math.Round(x.Wall, 3)).ToArray());
            return into;
        }
    }

    private static int Run(VerbContext ctx, string circuitPath, int[] batches, string? inputPath, int runs, int seed, string? plotPath, bool fixedBaseTable)
    {
        if (runs < 1 || runs > 100) throw new UserException($"--runs {runs}: expected 1…100");
        if (plotPath is not null && !plotPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UserException($"--plot {plotPath}: expected a .png file name");
        var total = Stopwatch.StartNew();
        CliFiles.Require(circuitPath, FileKind.Circuit);
        if (inputPath is not null) CliFiles.Require(inputPath, FileKind.Input);
        Circuit circuit = CircuitFile.Load(circuitPath);
        int maxPadded = Circuit.NextPowerOfTwo(batches.Max());
        var all = Inputs(circuit, batches.Max(), inputPath, seed);

        long powers = InferenceSetup.RequiredPowers(circuit, maxPadded);
        var sw = Stopwatch.StartNew();
        var srs = Pipeline.DevSrs(ctx, powers, null);
        double srsSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        // (a zero-knowledge circuit: its setup on the development SRS, verdict "development"; the proofs are ZK proofs)
        var (pk, vk) = ctx.Step("setup: committing the model vector", () =>
        {
            if (!circuit.Zk.Zk) return InferenceSetup.Run(circuit, srs, maxPadded, fixedBaseTable);
            var z = InferenceSetup.RunZk(circuit, srs, maxPadded, ptauVerified: false, fixedBaseTable);
            return (z.ProvingKey, z.VerifyingKey);
        });
        try { InferenceProver.RefuseZk(vk); }
        catch (ArgumentException ex) { throw new UserException($"{circuitPath}: {ex.Message}"); }
        double setupSeconds = sw.Elapsed.TotalSeconds;

        var results = new List<BatchResult>();
        foreach (int batch in batches)
        {
            var inputs = all.Take(batch).ToList();
            var proveRuns = new List<ProveRun>();
            for (int r = 0; r < runs; r++)
            {
                // The SRS and setup temporaries (Jacobian powers, the table build) and the previous run's arrays are
                // garbage by now: a full collection before each timed run keeps them out of the peak below, which then
                // measures the keys plus one proof (as a prove process has), not the GC's lag. Outside the timings.
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                var pause0 = GC.GetTotalPauseDuration();
                var jit0 = System.Runtime.JitInfo.GetCompilationTime();
                sw.Restart();
                var (p, t) = ctx.Prove(runs == 1 ? $"proving a batch of {batch}" : $"proving a batch of {batch} (run {r + 1}/{runs})",
                    tm => vk.IsZk && vk.Zk.Inputs == InputVisibility.Private
                        ? InferenceProver.ProvePrivate(pk, inputs, timings: tm).Proof // a fresh input commitment per run, as `zkml prove` makes
                        : InferenceProver.ProveQuantized(pk, inputs, tm));
                double wall = sw.Elapsed.TotalSeconds;
                proveRuns.Add(new ProveRun(p, t, wall, (GC.GetTotalPauseDuration() - pause0).TotalSeconds, (System.Runtime.JitInfo.GetCompilationTime() - jit0).TotalSeconds));
            }
            var proof = proveRuns.MinBy(x => x.Wall)!.Proof;
            var verifyMs = new List<double>();
            VerificationResult? result = null;
            ctx.Step($"verifying ({VerifyRuns + 1} times)", () =>
            {
                for (int r = 0; r <= VerifyRuns; r++)
                {
                    sw.Restart();
                    result = InferenceVerifier.Verify(vk, proof);
                    verifyMs.Add(sw.Elapsed.TotalMilliseconds);
                    if (!result.IsValid) break;
                }
                return 0;
            });
            if (!result!.IsValid) throw new UserException($"the benchmark proof (batch {batch}) did not verify: {result.Reason}");
            results.Add(new BatchResult(batch, Circuit.NextPowerOfTwo(batch), proveRuns, verifyMs[0], verifyMs.Skip(1).Order().ElementAt(VerifyRuns / 2)));
        }
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        // What the JIT compiled in this process: several thousand methods from a `dotnet build` output, a few hundred
        // from the ReadyToRun CLI of scripts/publish-cli.sh (whose precompiled code the runtime took).
        long jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        TimeSpan jitTime = System.Runtime.JitInfo.GetCompilationTime();
        long pkBytes = pk.ToBytes().LongLength, vkBytes = vk.ToBytes().LongLength;
        int tablePowers = pk.Srs.Table?.Count ?? 0;

        if (plotPath is not null)
        {
            var points = results.Select(r => new Plots.BenchPoint(r.Batch, r.Best.Wall,
                r.Best.Timings.Stages.Select(s => (s.Stage, s.Time.TotalSeconds)).ToArray())).ToArray();
            byte[] png = Plots.BenchChart(points, $"{circuit.Name ?? Path.GetFileNameWithoutExtension(circuitPath)} {Shape(circuit)}");
            CliFiles.EnsureParent(plotPath);
            CliHost.WriteAtomic(plotPath, png);
        }

        if (ctx.JsonMode)
        {
            JsonObject PerBatch(BatchResult r, JsonObject into)
            {
                var best = r.Best;
                into["batch"] = r.Batch;
                into["paddedBatch"] = r.Padded;
                into["stages"] = ProveVerb.StagesJson(best.Timings);
                into["verifyMilliseconds"] = new JsonObject { ["first"] = Math.Round(r.VerifyCold, 2), ["warmMedian"] = Math.Round(r.VerifyWarm, 2) };
                into["proofBytes"] = best.Proof.ProofSize;
                into["publicInputWords"] = best.Proof.PublicInputs.Length / 32;
                return into;
            }
            // devSrs, setup, the prove figures of a single batch size, total (several batch sizes: each under "batches").
            JsonObject Seconds(BatchResult? r)
            {
                var o = new JsonObject { ["devSrs"] = Math.Round(srsSeconds, 3), ["setup"] = Math.Round(setupSeconds, 3) };
                r?.ProveSeconds(o);
                o["total"] = Math.Round(total.Elapsed.TotalSeconds, 3);
                return o;
            }
            var head = new JsonObject
            {
                ["circuit"] = Path.GetFullPath(circuitPath),
                ["circuitDigest"] = circuit.DigestHex,
                ["shape"] = Shape(circuit),
                ["zk"] = circuit.Zk.Zk,
            };
            var tail = new JsonObject
            {
                ["inputs"] = inputPath is null ? "random" : Path.GetFullPath(inputPath),
                ["srsPowers"] = powers,
                ["fixedBaseTablePowers"] = tablePowers,
                ["insecureDevSrs"] = true,
                ["insecure"] = true,
            };
            JsonObject obj;
            if (results.Count == 1)
            {
                obj = PerBatch(results[0], head);
                foreach (var kv in tail.ToArray()) { tail.Remove(kv.Key); obj[kv.Key] = kv.Value; }
                obj["seconds"] = Seconds(results[0]);
            }
            else
            {
                obj = head;
                foreach (var kv in tail.ToArray()) { tail.Remove(kv.Key); obj[kv.Key] = kv.Value; }
                obj["seconds"] = Seconds(null);
                obj["batches"] = new JsonArray(results.Select(r =>
                {
                    var o = PerBatch(r, new JsonObject());
                    o["seconds"] = r.ProveSeconds(new JsonObject());
                    return (JsonNode)o;
                }).ToArray());
            }
            obj["pkBytes"] = pkBytes;
            obj["vkBytes"] = vkBytes;
            obj["peakWorkingSetBytes"] = peak;
            obj["jit"] = new JsonObject { ["methods"] = jitMethods, ["seconds"] = Math.Round(jitTime.TotalSeconds, 3) };
            obj["fieldProduct"] = FieldProduct.Description;
            obj["plot"] = plotPath is null ? null : Path.GetFullPath(plotPath);
            obj["verified"] = true;
            ctx.WriteJson(obj);
            return 0;
        }

        var o = ctx.Out;
        string batchText = results.Count == 1 ? $"batch {results[0].Batch} (padded {results[0].Padded})" : $"batches {string.Join(", ", batches)} (keys for up to {maxPadded})";
        if (!ctx.Quiet) o.MarkupLine($"[bold]{Markup.Escape(CliText.Printable(circuit.Name ?? Path.GetFileName(circuitPath)))}[/] {Markup.Escape(Shape(circuit))}{(circuit.Zk.Zk ? ", zero-knowledge" : "")}, {batchText}, {(inputPath is null ? "random inputs" : Markup.Escape(inputPath))}, {Environment.ProcessorCount} cores");
        string fastest = runs == 1 ? "" : $" (fastest of {runs})";
        var st = new Table().Border(TableBorder.Rounded).Title($"prove, by stage{fastest}");
        st.AddColumn("stage");
        if (results.Count == 1)
        {
            st.AddColumn(new TableColumn("seconds").RightAligned()); st.AddColumn(new TableColumn("share").RightAligned());
            var best = results[0].Best;
            double sum = best.Timings.Total.TotalSeconds;
            foreach (var (stage, time) in best.Timings.Stages)
                st.AddRow(new Text(stage), new Text(F3(time.TotalSeconds)), new Text(sum > 0 ? $"{100 * time.TotalSeconds / sum:F1}%" : "-"));
            st.AddRow(new Text("total (stages)"), new Text(F3(sum)), new Text(""));
        }
        else
        {
            foreach (var r in results) st.AddColumn(new TableColumn($"B = {r.Batch}").RightAligned());
            var stages = results.SelectMany(r => r.Best.Timings.Stages.Select(x => x.Stage)).Distinct().ToArray();
            foreach (var stage in stages)
                st.AddRow(results.Select(r => (Spectre.Console.Rendering.IRenderable)new Text(F3(r.Best.Timings.Stages.Where(x => x.Stage == stage).Sum(x => x.Time.TotalSeconds)))).Prepend(new Text(stage)).ToArray());
            st.AddRow(results.Select(r => (Spectre.Console.Rendering.IRenderable)new Text(F3(r.Best.Timings.Total.TotalSeconds))).Prepend(new Text("total (stages)")).ToArray());
        }
        if (!ctx.Quiet) o.Write(st);
        var s = new Table().Border(TableBorder.Rounded).Title("figures");
        s.AddColumn("what");
        if (results.Count == 1) s.AddColumn(new TableColumn("value").RightAligned());
        else foreach (var r in results) s.AddColumn(new TableColumn($"B = {r.Batch}").RightAligned());
        void Row(string k, Func<BatchResult, string> v) => s.AddRow(results.Select(r => (Spectre.Console.Rendering.IRenderable)new Text(v(r))).Prepend(new Text(k)).ToArray());
        void Shared(string k, string v) => s.AddRow(results.Select((_, i) => (Spectre.Console.Rendering.IRenderable)new Text(i == 0 ? v : "")).Prepend(new Text(k)).ToArray());
        Shared($"development SRS ({powers:N0} powers, INSECURE)", $"{F3(srsSeconds)} s");
        Shared(tablePowers > 0 ? $"setup (model commitment, fixed-base table of {tablePowers:N0} powers)" : "setup (model commitment, no fixed-base table)", $"{F3(setupSeconds)} s");
        Row(runs == 1 ? "prove (wall)" : $"prove (wall, fastest of {runs})", r => $"{F3(r.Best.Wall)} s");
        Row("garbage-collection pauses in that proof", r => $"{F3(r.Best.GcPause)} s");
        Row("JIT compilation in that proof (all threads)", r => $"{F3(r.Best.Jit)} s");
        Row("verify (first run)", r => $"{r.VerifyCold:F1} ms");
        Row($"verify (median of {VerifyRuns} more)", r => $"{r.VerifyWarm:F1} ms");
        Row("proof size (public IO not counted)", r => $"{r.Best.Proof.ProofSize:N0} B");
        Row("public inputs/outputs", r => { int w = r.Best.Proof.PublicInputs.Length / 32; return $"{w} words ({w * 32:N0} B)"; });
        Shared("proving key / verifying key", $"{CliFiles.Size(pkBytes)} / {vkBytes:N0} B");
        Shared("peak working set (this process)", CliFiles.Size(peak));
        Shared("JIT-compiled methods (this process)", $"{jitMethods:N0} in {F3(jitTime.TotalSeconds)} s");
        Shared("field product", FieldProduct.Description);
        o.Write(s);
        if (plotPath is not null) o.MarkupLine($"wrote [green]{Markup.Escape(plotPath)}[/] (stages per batch size, prove time against batch size)");
        return 0;
    }

    private static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    private static string Shape(Circuit c) =>
        c.InputSize.ToString(CultureInfo.InvariantCulture) + string.Concat(c.Layers.Select(l => $"→{l.OutputSize}" + (l.IsOutput ? "" : $"({l.Activation.ToName()})")));

    /// <summary>The batch as quantized inputs: rows of <paramref name="inputPath"/> cycled, or seeded uniform values in ±InputBound.</summary>
    private static List<long[]> Inputs(Circuit circuit, int batch, string? inputPath, int seed)
    {
        var rows = new List<long[]>(batch);
        if (inputPath is not null)
        {
            var samples = InputData.Load(inputPath, circuit.InputSize);
            for (int b = 0; b < batch; b++) rows.Add(circuit.QuantizeInput(samples[b % samples.Length]));
            return rows;
        }
        var rng = new Random(seed);
        long bound = circuit.InputBound;
        for (int b = 0; b < batch; b++)
        {
            var x = new long[circuit.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = rng.NextInt64(-bound, bound + 1);
            rows.Add(x);
        }
        return rows;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Inference;

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
        var batch = new Option<int>("--batch", "-b") { HelpName = "N", Description = "Rows in the proven batch", DefaultValueFactory = _ => 1 };
        var input = new Option<string?>("--input", "-i") { HelpName = "input.json", Description = "Inputs in EZKL's input.json format, cycled to fill the batch (default: random inputs in the circuit's input range)" };
        var runs = new Option<int>("--runs") { HelpName = "R", Description = "Proofs to make; the fastest one's stages are reported", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { HelpName = "SEED", Description = "Seed of the random inputs and of the development SRS", DefaultValueFactory = _ => 1 };
        var cmd = new Command("bench", "Measure setup, prove (per stage) and verify of one circuit at one batch size on an INSECURE development SRS")
        {
            circuit, batch, input, runs, seed,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "bench", ctx =>
            Run(ctx, pr.GetValue(circuit)!, pr.GetValue(batch), pr.GetValue(input), pr.GetValue(runs), pr.GetValue(seed))));
        return cmd;
    }

    private const int VerifyRuns = 5;

    private static int Run(VerbContext ctx, string circuitPath, int batch, string? inputPath, int runs, int seed)
    {
        if (batch < 1 || batch > InferenceSetup.MaxBatchLimit) throw new UserException($"--batch {batch}: expected 1…{InferenceSetup.MaxBatchLimit}");
        if (runs < 1 || runs > 100) throw new UserException($"--runs {runs}: expected 1…100");
        var total = Stopwatch.StartNew();
        Circuit circuit = CircuitFile.Load(CliFiles.Require(circuitPath, "a circuit file (.zkc) from zkml compile"));
        int padded = Circuit.NextPowerOfTwo(batch);
        var inputs = Inputs(circuit, batch, inputPath, seed);

        long powers = InferenceSetup.RequiredPowers(circuit, padded);
        var sw = Stopwatch.StartNew();
        var srs = Pipeline.DevSrs(ctx, powers, seed);
        double srsSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var (pk, vk) = ctx.Step("setup: committing the model vector", () => InferenceSetup.Run(circuit, srs, padded));
        double setupSeconds = sw.Elapsed.TotalSeconds;

        var proveRuns = new List<(InferenceProof Proof, ProverTimings Timings, double Wall)>();
        for (int r = 0; r < runs; r++)
        {
            sw.Restart();
            var (p, t) = ctx.Prove(runs == 1 ? $"proving a batch of {batch}" : $"proving a batch of {batch} (run {r + 1}/{runs})",
                tm => InferenceProver.ProveQuantized(pk, inputs, tm));
            proveRuns.Add((p, t, sw.Elapsed.TotalSeconds));
        }
        var best = proveRuns.MinBy(x => x.Wall);
        var proof = best.Proof;

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
        if (!result!.IsValid) throw new UserException($"the benchmark proof did not verify: {result.Reason}");
        double verifyCold = verifyMs[0];
        double verifyWarm = verifyMs.Skip(1).Order().ElementAt(VerifyRuns / 2);
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        long pkBytes = pk.ToBytes().LongLength, vkBytes = vk.ToBytes().LongLength;
        int words = proof.PublicInputs.Length / 32;

        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["circuit"] = Path.GetFullPath(circuitPath),
                ["circuitDigest"] = circuit.DigestHex,
                ["shape"] = Shape(circuit),
                ["batch"] = batch,
                ["paddedBatch"] = padded,
                ["inputs"] = inputPath is null ? "random" : Path.GetFullPath(inputPath),
                ["srsPowers"] = powers,
                ["insecureDevSrs"] = true,
                ["seconds"] = new JsonObject
                {
                    ["devSrs"] = Math.Round(srsSeconds, 3), ["setup"] = Math.Round(setupSeconds, 3),
                    ["prove"] = Math.Round(best.Wall, 3),
                    ["proveRuns"] = new JsonArray(proveRuns.Select(x => (JsonNode)Math.Round(x.Wall, 3)).ToArray()),
                    ["total"] = Math.Round(total.Elapsed.TotalSeconds, 3),
                },
                ["stages"] = ProveVerb.StagesJson(best.Timings),
                ["verifyMilliseconds"] = new JsonObject { ["first"] = Math.Round(verifyCold, 2), ["warmMedian"] = Math.Round(verifyWarm, 2) },
                ["proofBytes"] = proof.ProofSize,
                ["publicInputWords"] = words,
                ["pkBytes"] = pkBytes,
                ["vkBytes"] = vkBytes,
                ["peakWorkingSetBytes"] = peak,
                ["verified"] = true,
            });
            return 0;
        }

        var o = ctx.Out;
        o.MarkupLine($"[bold]{Markup.Escape(circuit.Name ?? Path.GetFileName(circuitPath))}[/] {Markup.Escape(Shape(circuit))}, batch {batch} (padded {padded}), {(inputPath is null ? "random inputs" : Markup.Escape(inputPath))}, {Environment.ProcessorCount} cores");
        var st = new Table().Border(TableBorder.Rounded).Title(runs == 1 ? "prove, by stage" : $"prove, by stage (fastest of {runs})");
        st.AddColumn("stage"); st.AddColumn(new TableColumn("seconds").RightAligned()); st.AddColumn(new TableColumn("share").RightAligned());
        double sum = best.Timings.Total.TotalSeconds;
        foreach (var (stage, time) in best.Timings.Stages)
            st.AddRow(new Text(stage), new Text(F3(time.TotalSeconds)), new Text(sum > 0 ? $"{100 * time.TotalSeconds / sum:F1}%" : "-"));
        st.AddRow(new Text("total (stages)"), new Text(F3(sum)), new Text(""));
        o.Write(st);
        var s = new Table().Border(TableBorder.Rounded).Title("figures");
        s.AddColumn("what"); s.AddColumn(new TableColumn("value").RightAligned());
        void Row(string k, string v) => s.AddRow(new Text(k), new Text(v));
        Row($"development SRS ({powers:N0} powers, INSECURE)", $"{F3(srsSeconds)} s");
        Row("setup (model commitment, fixed-base table)", $"{F3(setupSeconds)} s");
        Row(runs == 1 ? "prove (wall)" : $"prove (wall, fastest of {runs})", $"{F3(best.Wall)} s");
        Row("verify (first run)", $"{verifyCold:F1} ms");
        Row($"verify (median of {VerifyRuns} more)", $"{verifyWarm:F1} ms");
        Row("proof size (public IO not counted)", $"{proof.ProofSize:N0} B");
        Row("public inputs/outputs", $"{words} words ({words * 32:N0} B)");
        Row("proving key / verifying key", $"{CliFiles.Size(pkBytes)} / {vkBytes:N0} B");
        Row("peak working set (this process)", CliFiles.Size(peak));
        o.Write(s);
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
            var samples = InputData.Load(CliFiles.Require(inputPath, "inputs in EZKL's input.json format"), circuit.InputSize);
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

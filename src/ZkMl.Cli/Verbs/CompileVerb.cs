using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml compile MODEL(.onnx|.json) [--data input.json] [-o circuit.zkc]</c>.</summary>
internal static class CompileVerb
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "The float model: .onnx, or .json in ZkMl's model format (docs/model-format.md)" };
        var data = new Option<string?>("--data", "-d") { Description = "Calibration/sample data in EZKL's input.json format (default: input.json beside the model)" };
        var output = new Option<string>("--output", "-o") { Description = "The circuit file to write", DefaultValueFactory = _ => "circuit.zkc" };
        var wbits = new Option<int>("--weight-bits") { Description = "Signed bits of the weights (2..16)", DefaultValueFactory = _ => 8 };
        var abits = new Option<int>("--act-bits") { Description = "Signed bits of inputs and activations (2..16)", DefaultValueFactory = _ => 8 };
        var calib = new Option<string>("--calibration") { Description = "Activation ranges from the samples: maxabs or percentile", DefaultValueFactory = _ => "maxabs" };
        calib.AcceptOnlyFromAmong("maxabs", "percentile");
        var pct = new Option<double>("--percentile") { Description = "Percentile for --calibration percentile", DefaultValueFactory = _ => 99.99 };
        var limb = new Option<int>("--limb-bits") { Description = "Range-limb width c: remainders split into c-bit limbs (1..16; 0 = automatic: the fewest limbs with a range table no larger than the largest activation table)", DefaultValueFactory = _ => 0 };
        var inRange = new Option<string?>("--input-range") { Description = "Declared range of every input feature, LO,HI (e.g. 0,1 for pixels): the input scale covers it, so inputs in it are never clamped (default: the calibration data's max |x|, widened by --input-margin)" };
        var inMargin = new Option<double>("--input-margin") { Description = "Without --input-range: widen the calibration max |x| by this fraction (0.1 = 10 %)", DefaultValueFactory = _ => 0 };
        var holdout = new Option<double>("--calibration-holdout") { HelpName = "F", Description = "Hold out the last fraction F of the data rows (0 ≤ F < 1): calibrate on the rest and report the error and the saturation rate on the held-out rows, which the ranges were not taken from", DefaultValueFactory = _ => 0 };
        var weightFiles = new Option<string[]>("--weights") { Description = "Bind ONNX graph inputs that hold weights as constants: a .json file {\"name\": values} or an ONNX TensorProto .pb file (named); repeatable", AllowMultipleArgumentsPerToken = false };
        var zk = new Option<bool>("--zk") { Description = "Zero-knowledge circuit: proofs reveal nothing about the weights and activations beyond the statement, and the model commitment in the keys is blinded (docs/zk-design.md; proofs with public inputs are implemented, private inputs and the Solidity verifier not yet)" };
        var visibility = new Option<string?>("--input-visibility") { HelpName = "public|private", Description = "With --zk: the inputs are public words of the statement (public, the default) or hidden behind a commitment (private)" };
        var rangeCheck = new Option<string?>("--input-range-check") { HelpName = "on|off", Description = "With --zk --input-visibility private: prove that the committed inputs lie in the input range (on, the default); off gives a much weaker statement (docs/zk-design.md §2)" };
        var cmd = new Command("compile", "Quantize a float dense network into an integer circuit (.zkc); prints the accuracy table and the layer/bounds summary")
        {
            model, data, output, wbits, abits, calib, pct, limb, inRange, inMargin, weightFiles, holdout, zk, visibility, rangeCheck,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "compile", ctx =>
        {
            CheckRange("--weight-bits", pr.GetValue(wbits), 2, 16);
            CheckRange("--act-bits", pr.GetValue(abits), 2, 16);
            CheckRange("--limb-bits", pr.GetValue(limb), 0, 16);
            double p = pr.GetValue(pct);
            double f = pr.GetValue(holdout);
            if (!(f >= 0 && f < 1)) throw new UserException($"--calibration-holdout {f.ToString(CultureInfo.InvariantCulture)}: expected a fraction in [0, 1)");
            if (!(p > 0 && p <= 100)) throw new UserException($"--percentile {p.ToString(CultureInfo.InvariantCulture)}: expected a percentile in (0, 100]");
            var options = new CompileOptions
            {
                WeightBits = pr.GetValue(wbits),
                ActBits = pr.GetValue(abits),
                Calibration = pr.GetValue(calib) == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MaxAbs,
                Percentile = pr.GetValue(pct),
                LimbBits = pr.GetValue(limb),
                InputRange = ParseRange(pr.GetValue(inRange)),
                InputMargin = pr.GetValue(inMargin),
                Zk = ParseZk(pr.GetValue(zk), pr.GetValue(visibility), pr.GetValue(rangeCheck)),
            };
            return Run(ctx, pr.GetValue(model)!, pr.GetValue(data), pr.GetValue(output)!, options, pr.GetValue(weightFiles) ?? [], f);
        }));
        return cmd;
    }

    private static void CheckRange(string option, int value, int min, int max)
    {
        if (value < min || value > max) throw new UserException($"{option} {value}: expected {min}…{max}");
    }

    /// <summary>The ZK choices of <c>--zk [--input-visibility public|private] [--input-range-check on|off]</c>, with a clear error for a bad value or combination.</summary>
    internal static ZkSettings ParseZk(bool zk, string? visibility, string? rangeCheck)
    {
        if (!zk)
        {
            if (visibility is not null) throw new UserException($"--input-visibility {visibility} needs --zk (the default circuit has public inputs and no zero knowledge)");
            if (rangeCheck is not null) throw new UserException($"--input-range-check {rangeCheck} needs --zk --input-visibility private");
            return ZkSettings.None;
        }
        var inputs = visibility switch
        {
            null or "public" => InputVisibility.Public,
            "private" => InputVisibility.Private,
            _ => throw new UserException($"--input-visibility '{visibility}': expected public or private"),
        };
        bool? check = rangeCheck switch
        {
            null => null,
            "on" => true,
            "off" => false,
            _ => throw new UserException($"--input-range-check '{rangeCheck}': expected on or off"),
        };
        if (inputs == InputVisibility.Public && check is not null)
            throw new UserException($"--input-range-check {rangeCheck} applies to --input-visibility private only (public inputs are checked by the verifier itself)");
        return inputs == InputVisibility.Public ? ZkSettings.PublicInputs : ZkSettings.PrivateInputs(check ?? true);
    }

    /// <summary>Parses "LO,HI" (invariant culture; LO &lt; HI, both finite).</summary>
    internal static (double Lo, double Hi)? ParseRange(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double lo)
            && double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double hi)
            && double.IsFinite(lo) && double.IsFinite(hi) && lo < hi)
            return (lo, hi);
        throw new UserException($"--input-range '{text}': expected LO,HI with finite numbers LO < HI (e.g. 0,1 or -3.5,3.5)");
    }

    /// <summary>The input range the scale covers and where it comes from (inputs beyond it are clamped when proving).</summary>
    internal static string InputRangeLine(Circuit circuit, CompileOptions options)
    {
        string r = (circuit.InputScale * circuit.InputBound).ToString("G6", CultureInfo.InvariantCulture);
        string from = options.InputRange is { } ir
            ? $"declared --input-range {ir.Lo.ToString(CultureInfo.InvariantCulture)},{ir.Hi.ToString(CultureInfo.InvariantCulture)}"
            : options.InputMargin > 0 ? $"calibration max |x| + {options.InputMargin * 100:G4} %" : "calibration max |x|; declare it with --input-range LO,HI";
        return $"input range: ±{r} ({from}); inputs beyond it are clamped when proving";
    }

    private static void AddRow(Table t, params string[] cells) => t.AddRow(cells.Select(c => new Text(c)).ToArray());

    private static int Run(VerbContext ctx, string modelPath, string? dataPath, string outPath, CompileOptions options, string[] weightPaths, double holdoutFraction)
    {
        var sw = Stopwatch.StartNew();
        CliFiles.Require(modelPath, FileKind.Model);
        if (dataPath is null)
        {
            string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", "input.json");
            if (!File.Exists(beside)) throw new UserException($"no calibration data: pass --data input.json (EZKL format), none found beside {modelPath}");
            dataPath = beside;
        }
        CliFiles.Require(dataPath, FileKind.Input);
        CliFiles.RefuseOverwrite(outPath, "-o", ("MODEL", modelPath), ("--data", dataPath));
        var weights = weightPaths.SelectMany(w => OnnxTensorFile.LoadWeights(CliFiles.Require(w, FileKind.Model))).ToList();
        Network net = ctx.Step($"importing {modelPath}", () => ModelLoader.Load(modelPath, weights));
        foreach (var w in net.Warnings) ctx.Warn(w);
        float[][] rows = InputData.Load(dataPath, net.InputSize);
        // --calibration-holdout: the last ⌈F·n⌉ rows are not calibrated on; the error and saturation there say how
        // the ranges generalise.
        int held = holdoutFraction > 0 ? (int)Math.Ceiling(holdoutFraction * rows.Length) : 0;
        if (held > 0 && held >= rows.Length)
            throw new UserException($"--calibration-holdout {holdoutFraction.ToString(CultureInfo.InvariantCulture)}: {dataPath} has {rows.Length} row(s); holding out {held} leaves none to calibrate on");
        float[][] samples = rows[..(rows.Length - held)];
        float[][] heldOut = rows[(rows.Length - held)..];
        var warnings = new List<string>(net.Warnings);
        Circuit circuit = ctx.Step($"calibrating and quantizing on {samples.Length} samples", () =>
        {
            var local = new List<string>();
            var c = CircuitCompiler.Compile(net, samples, options, local);
            warnings.AddRange(local);
            foreach (var w in local) ctx.Warn(w);
            return c;
        });
        // The float side is ONNX Runtime on the original file (the float executor for a JSON model). The circuit
        // is already made: a model ONNX Runtime refuses, or a machine without its native library, gets the table
        // against the float executor with a warning rather than no circuit (zkml accuracy insists on ONNX Runtime).
        string referenceName = "";
        AccuracyReport? heldReport = null;
        var report = ctx.Step("measuring accuracy (float vs quantized)", () =>
        {
            IFloatReference reference;
            try { reference = FloatReference.For(modelPath, net); }
            catch (Exception e) when (e is ModelFormatException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
            {
                string why = e is ModelFormatException ? e.Message : $"ONNX Runtime's native library cannot be loaded ({e.Message})";
                warnings.Add($"{why}; the accuracy table uses ZkMl's float executor instead");
                ctx.Warn(warnings[^1]);
                reference = new FloatExecutorReference(net);
            }
            try
            {
                referenceName = reference.Name;
                var floats = reference.Run(rows);
                heldReport = held > 0 ? AccuracyReport.Measure(floats[samples.Length..], circuit, heldOut) : null;
                return AccuracyReport.Measure(floats[..samples.Length], circuit, samples);
            }
            finally { (reference as IDisposable)?.Dispose(); }
        });
        // Saturation (values the tables clamp past the calibration maximum) on the held-out and the calibration rows.
        long tabled = circuit.Layers.Where(l => l.Table != null).Sum(l => (long)l.OutputSize);
        (long Count, long Of) Saturation(float[][] x) => x.Length == 0 ? (0, 0) : (IntegerExecutor.Run(circuit, x).SaturationCounts().Sum(), tabled * x.Length);
        var heldSat = held > 0 ? Saturation(heldOut) : (0, 0);
        var calibSat = held > 0 ? Saturation(samples) : (0, 0);
        static string Rate((long Count, long Of) s) => string.Create(CultureInfo.InvariantCulture, $"{s.Count} of {s.Of} values ({(s.Of == 0 ? 0 : 100.0 * s.Count / s.Of):F3} %)");
        // A zero-knowledge circuit holds the weights its proofs hide: written like every secret file (mode 0600).
        ctx.Step($"writing {outPath}", () => { if (circuit.Zk.Zk) CliHost.WriteSecret(outPath, CircuitFile.ToBytes(circuit)); else CliHost.WriteAtomic(outPath, CircuitFile.ToBytes(circuit)); return 0; });
        double seconds = sw.Elapsed.TotalSeconds;
        // What setup will need for the default batch limit, said before anyone runs it.
        // A circuit the proof does not cover yet (InferenceSetup.CheckProvable) compiles and runs (accuracy), but setup refuses it: say so now.
        string? notProvable = null;
        Pipeline.SetupCosts? costs = null;
        try { costs = Pipeline.SetupCosts.Of(circuit, Pipeline.PaddedMaxBatch(SetupVerb.DefaultMaxBatch)); }
        catch (ArgumentException e) when (e.Message.StartsWith("not yet provable", StringComparison.Ordinal))
        {
            notProvable = e.Message.Split(" (Parameter '")[0] + " (setup refuses this circuit; zkml accuracy runs it)";
        }
        if (notProvable != null) { warnings.Add(notProvable); ctx.Warn(notProvable); }
        if (costs?.Warning() is { } costWarning) { warnings.Add(costWarning); ctx.Warn(costWarning); }

        if (ctx.JsonMode)
        {
            var layers = new JsonArray();
            foreach (var l in circuit.Layers)
            {
                layers.Add(new JsonObject
                {
                    ["index"] = l.Index, ["kind"] = l.Kind.ToString(), ["geometry"] = l.Geometry?.ToString(), ["inputs"] = l.InputSize, ["outputs"] = l.OutputSize, ["activation"] = l.Activation.ToName(),
                    ["output"] = l.IsOutput, ["weightScale"] = l.WeightScale, ["inputScale"] = l.InputScale,
                    ["multiplier"] = l.Multiplier, ["shift"] = l.Shift, ["limbs"] = l.LimbCount, ["zBound"] = l.ZBound,
                    ["qMin"] = l.Table == null ? null : l.QMin, ["qMax"] = l.Table == null ? null : l.QMax,
                    ["tableSize"] = l.Table?.Size, ["aMin"] = l.Table == null ? null : l.AMin, ["aMax"] = l.Table == null ? null : l.AMax,
                });
            }
            ctx.WriteJson(new JsonObject
            {
                ["circuit"] = Path.GetFullPath(outPath),
                ["digest"] = circuit.DigestHex,
                ["zk"] = circuit.Zk.Zk,
                ["inputVisibility"] = ZkSettings.Name(circuit.Zk.Inputs),
                ["inputRangeCheck"] = circuit.Zk.InputRangeCheck,
                ["publicDigest"] = circuit.Zk.Zk ? circuit.PublicDigestHex : null,
                ["formatVersion"] = CircuitFile.VersionOf(circuit),
                ["model"] = modelPath,
                ["shape"] = net.ShapeSummary(),
                ["weightBits"] = circuit.WeightBits, ["actBits"] = circuit.ActBits, ["limbBits"] = circuit.LimbBits,
                ["inputScale"] = circuit.InputScale, ["outputScale"] = circuit.OutputScale,
                ["layers"] = layers,
                ["accuracy"] = new JsonObject
                {
                    ["floatReference"] = referenceName,
                    ["samples"] = report.Samples, ["argmaxAgreements"] = report.ArgmaxAgreements, ["argmaxAgreement"] = report.ArgmaxAgreement,
                    ["maxAbsError"] = report.MaxAbsError, ["meanAbsError"] = report.MeanAbsError, ["maxAbsOutput"] = report.MaxAbsOutput,
                },
                ["holdout"] = heldReport is null ? null : new JsonObject
                {
                    ["fraction"] = holdoutFraction, ["samples"] = heldReport.Samples, ["calibrationSamples"] = samples.Length,
                    ["argmaxAgreements"] = heldReport.ArgmaxAgreements, ["maxAbsError"] = heldReport.MaxAbsError, ["meanAbsError"] = heldReport.MeanAbsError,
                    ["saturated"] = heldSat.Item1, ["tabledValues"] = heldSat.Item2, ["calibrationSaturated"] = calibSat.Item1,
                },
                ["setup"] = costs?.ToJson() ?? new JsonObject { ["provable"] = false, ["reason"] = notProvable },
                ["warnings"] = new JsonArray(warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
                ["inputRange"] = circuit.InputScale * circuit.InputBound,
                ["seconds"] = Math.Round(seconds, 3),
            });
            return 0;
        }

        var o = ctx.Out;
        string setupLine = costs == null ? notProvable! : $"setup for batches up to {costs.MaxBatch} will need {costs.Powers:N0} SRS powers, a {CliFiles.Size(costs.ProvingKeyBytes)} proving key and about {CliFiles.Size(costs.SetupMemoryBytes)} of memory";
        string wrote = $"wrote [green]{Markup.Escape(outPath)}[/] (sha256 {circuit.DigestHex[..16]}…) in {seconds:F2} s";
        if (ctx.Quiet)
        {
            o.MarkupLine(wrote);
            return 0;
        }
        o.MarkupLine($"[bold]{Markup.Escape(CliText.Printable(net.Name ?? Path.GetFileName(modelPath)))}[/]: {Markup.Escape(net.ShapeSummary())}, int{circuit.WeightBits} weights, int{circuit.ActBits} activations, {circuit.LimbBits}-bit limbs");
        o.MarkupLine(Markup.Escape(InputRangeLine(circuit, options)));
        if (circuit.Zk.Zk)
            o.MarkupLine(Markup.Escape($"{circuit.Zk}; public-circuit digest {circuit.PublicDigestHex[..16]}… (the verifying key names the circuit by it); widths below 4 padded to 4; zero-knowledge proving of public inputs is implemented, of private inputs not yet"));
        var lt = new Table().Border(TableBorder.Rounded).Title("layers and proven bounds");
        foreach (var h in new[] { "layer", "shape", "act", "s_w", "M / 2^k", "limbs", "|Z| ≤", "Q range (table)", "A range" }) lt.AddColumn(h);
        foreach (var l in circuit.Layers)
        {
            AddRow(lt,
                l.Index.ToString(CultureInfo.InvariantCulture),
                l.Geometry is null ? $"{l.InputSize}→{l.OutputSize}" : $"{l.Kind switch { LayerKind.Conv => "conv", LayerKind.MaxPool => "maxpool", _ => "avgpool" }} {l.Geometry}",
                l.Activation.ToName() + (l.Activation == Activation.Softmax ? " (not proven: outputs are logits)" : l.IsOutput && l.Table != null ? " (proven)" : ""),
                l.WeightScale.ToString("G4", CultureInfo.InvariantCulture),
                l.Kind == LayerKind.MaxPool ? "max" : l.Table == null ? "logits" : $"{l.Multiplier} / 2^{l.Shift}",
                l.Table == null ? "-" : l.LimbCount.ToString(CultureInfo.InvariantCulture),
                l.ZBound.ToString(CultureInfo.InvariantCulture),
                l.Table == null ? "-" : $"[{l.QMin}, {l.QMax}] ({l.Table.Size})",
                l.Table == null ? "-" : $"[{l.AMin}, {l.AMax}]");
        }
        o.Write(lt);
        var at = new Table().Border(TableBorder.Rounded).Title($"accuracy on {Markup.Escape(Path.GetFileName(dataPath))}: float ({Markup.Escape(referenceName)}) vs int{circuit.ActBits}");
        at.AddColumn("samples"); at.AddColumn("argmax agreement"); at.AddColumn("max |error|"); at.AddColumn("mean |error|"); at.AddColumn("max |output|");
        AddRow(at,
            report.Samples.ToString(CultureInfo.InvariantCulture),
            $"{report.ArgmaxAgreements}/{report.Samples} ({report.ArgmaxAgreement * 100:F2}%)",
            report.MaxAbsError.ToString("G4", CultureInfo.InvariantCulture),
            report.MeanAbsError.ToString("G4", CultureInfo.InvariantCulture),
            report.MaxAbsOutput.ToString("G4", CultureInfo.InvariantCulture));
        o.Write(at);
        if (heldReport is not null)
        {
            var ht = new Table().Border(TableBorder.Rounded).Title($"held out (--calibration-holdout {holdoutFraction.ToString(CultureInfo.InvariantCulture)}): the last {held} rows, not calibrated on");
            ht.AddColumn("rows"); ht.AddColumn("argmax agreement"); ht.AddColumn("max |error|"); ht.AddColumn("mean |error|"); ht.AddColumn("saturated (clamped past the calibration max)");
            AddRow(ht, $"calibration ({samples.Length})", $"{report.ArgmaxAgreements}/{report.Samples}", report.MaxAbsError.ToString("G4", CultureInfo.InvariantCulture),
                report.MeanAbsError.ToString("G4", CultureInfo.InvariantCulture), Rate(calibSat));
            AddRow(ht, $"held out ({held})", $"{heldReport.ArgmaxAgreements}/{heldReport.Samples}", heldReport.MaxAbsError.ToString("G4", CultureInfo.InvariantCulture),
                heldReport.MeanAbsError.ToString("G4", CultureInfo.InvariantCulture), Rate(heldSat));
            o.Write(ht);
        }
        o.MarkupLine(Markup.Escape(setupLine));
        o.MarkupLine(wrote);
        return 0;
    }
}

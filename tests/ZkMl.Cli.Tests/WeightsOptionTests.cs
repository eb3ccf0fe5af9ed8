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

/// <summary><c>zkml compile --calibration-holdout F</c>: error and saturation on rows the ranges were not taken from.</summary>
public sealed class CalibrationHoldoutTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("zkml-holdout-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void HeldOutRowsAreNotCalibratedOnAndTheirSaturationIsReported()
    {
        // tiny (4→8(relu)→3): 12 rows in [−0.5, 0.5], then 4 rows ten times larger, held out (F = 0.25).
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 16).Select(i => Enumerable.Range(0, 4).Select(_ => (rng.NextDouble() - 0.5) * (i >= 12 ? 10 : 1)).ToArray()).ToArray();
        string data = Path.Combine(dir, "d.json");
        File.WriteAllText(data, System.Text.Json.JsonSerializer.Serialize(new { input_data = rows }));
        string outPath = Path.Combine(dir, "h.zkc");
        var j = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", data, "--calibration-holdout", "0.25", "-o", outPath, "--json").Json();
        var h = j.GetProperty("holdout");
        Assert.Equal(4, h.GetProperty("samples").GetInt32());
        Assert.Equal(12, h.GetProperty("calibrationSamples").GetInt32());
        Assert.Equal(12, j.GetProperty("accuracy").GetProperty("samples").GetInt32());
        Assert.Equal(0, h.GetProperty("calibrationSaturated").GetInt64());
        Assert.True(h.GetProperty("saturated").GetInt64() > 0, "the large held-out rows saturate the hidden relu");
        Assert.Equal(4 * 8, h.GetProperty("tabledValues").GetInt64());
        // The input scale comes from the 12 calibration rows only (max |x| < 0.5).
        Assert.True(j.GetProperty("inputRange").GetDouble() < 0.5);
        var human = Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", data, "--calibration-holdout", "0.25", "-o", Path.Combine(dir, "h2.zkc"));
        Assert.Contains("held out (--calibration-holdout 0.25): the last 4 rows, not calibrated on", human.Out);
        Assert.Contains("0 of 96 values (0.000 %)", human.Out);

        Zkml.Fails(["compile", Zkml.Tiny("model.json"), "--data", data, "--calibration-holdout", "1", "-o", Path.Combine(dir, "x.zkc")], "--calibration-holdout 1: expected a fraction in [0, 1)");
        string one = Path.Combine(dir, "one.json");
        File.WriteAllText(one, "{\"input_data\": [[0.1, 0.2, 0.3, 0.4]]}");
        Zkml.Fails(["compile", Zkml.Tiny("model.json"), "--data", one, "--calibration-holdout", "0.5", "-o", Path.Combine(dir, "x.zkc")], "has 1 row(s); holding out 1 leaves none to calibrate on");
        Assert.False(File.Exists(Path.Combine(dir, "x.zkc")));
    }
}

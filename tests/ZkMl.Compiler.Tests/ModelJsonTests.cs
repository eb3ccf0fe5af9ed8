using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Tests;

public class ModelJsonTests
{
    private const string Good = """
        { "format": "zkml-model", "version": 1, "input_size": 2,
          "layers": [ { "weights": [[1, 2, 3], [4, 5, 6]], "bias": [0.5, 0, -0.5], "activation": "relu" },
                      { "weights": [[1], [0], [-1]], "bias": [0.25] } ] }
        """;

    [Fact]
    public void ParsesAndRuns()
    {
        var net = ModelJson.Parse(Good);
        Assert.Equal("2→3(relu)→1", net.ShapeSummary());
        Assert.Equal(6f, net.Layers[0].Weight(1, 2));
        // x = [1, -1]: z1 = [1-4+0.5, 2-5, 3-6-0.5] = [-2.5, -3, -3.5] → relu 0 → y = 0.25
        Assert.Equal(0.25f, FloatExecutor.Run(net, [1f, -1f])[0]);
        // x = [1, 1]: z1 = [5.5, 7, 8.5] → y = 5.5 - 8.5 + 0.25 = -2.75
        Assert.Equal(-2.75f, FloatExecutor.Run(net, [1f, 1f])[0]);
    }

    [Fact]
    public void SerializeRoundTrips()
    {
        var net = TestNets.Random(new Random(3), [5, 7, 2], [Activation.Tanh, Activation.Sigmoid]);
        var back = ModelJson.Parse(ModelJson.Serialize(net));
        for (int l = 0; l < 2; l++)
        {
            Assert.True(net.Layers[l].Weights.SequenceEqual(back.Layers[l].Weights));
            Assert.True(net.Layers[l].Bias.SequenceEqual(back.Layers[l].Bias));
            Assert.Equal(net.Layers[l].Activation, back.Layers[l].Activation);
        }
    }

    [Theory]
    [InlineData("""{"layers": [{"weights": [[1, 2], [3]], "bias": [0, 0]}]}""", "layers[0].weights[1]")]
    [InlineData("""{"input_size": 3, "layers": [{"weights": [[1, 2], [3, 4]]}]}""", "3 rows (input_size), found 2")]
    [InlineData("""{"layers": [{"weights": [[1, 2]], "bias": [0]}]}""", "layers[0].bias")]
    [InlineData("""{"layers": [{"weights": [[1, "NaN"]]}]}""", "layers[0].weights[0][1]': expected a finite number")]
    [InlineData("""{"layers": [{"weights": [[1, 1e39]]}]}""", "layers[0].weights[0][1]': expected a finite float32")]
    [InlineData("""{"layers": [{"weights": [[1, 2]], "activation": "gelu"}]}""", "layers[0].activation': expected one of none, relu, sigmoid, tanh")]
    [InlineData("""{"layers": [{"weights": [[1, 2]]}, {"weights": [[1]]}]}""", "layers[1].weights': expected 2 rows (the outputs of layers[0])")]
    [InlineData("""{"layers": []}""", "'layers'")]
    [InlineData("""{"version": 2, "layers": [{"weights": [[1]]}]}""", "'version'")]
    [InlineData("""{"layers": [{"weights": [[1]]}""", "not valid JSON")]
    public void BadModelsNameTheField(string json, string fragment)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelJson.Parse(json, "m.json"));
        Assert.Contains(fragment, e.Message);
        Assert.StartsWith("m.json: ", e.Message);
    }

    [Fact]
    public void NaNWeightsInTheApiAreRejected()
    {
        var e = Assert.Throws<ModelFormatException>(() => new DenseLayer(1, 2, [1f, float.NaN], [0f, 0f], Activation.None));
        Assert.Contains("weights[0][1]", e.Message);
        e = Assert.Throws<ModelFormatException>(() => new DenseLayer(1, 1, [1f], [float.PositiveInfinity], Activation.None));
        Assert.Contains("bias[0]", e.Message);
    }

    [Fact]
    public void InputDataChecksLengthsAndSplitsBatches()
    {
        var rows = InputData.Parse("""{"input_data": [[1, 2, 3, 4, 5, 6]]}""", 3);
        Assert.Equal(2, rows.Length);
        Assert.Equal([4f, 5f, 6f], rows[1]);
        var e = Assert.Throws<ModelFormatException>(() => InputData.Parse("""{"input_data": [[1, 2, 3], [1, 2]]}""", 3, "in.json"));
        Assert.Contains("'input_data[1]' has 2 values, the model expects 3", e.Message);
        e = Assert.Throws<ModelFormatException>(() => InputData.Parse("""{"input_data": [[1, 2, 3, 4]]}""", 3, "in.json"));
        Assert.Equal("in.json: field 'input_data[0]' has 4 values, the model expects 3 per sample (or a multiple of 3 for a batch)", e.Message);
        e = Assert.Throws<ModelFormatException>(() => InputData.Parse("""{"input_data": [[]]}""", 3, "in.json"));
        Assert.Contains("'input_data[0]' has 0 values", e.Message);
        e = Assert.Throws<ModelFormatException>(() => InputData.Parse("""{"data": [[1]]}""", 1, "in.json"));
        Assert.Contains("input_data", e.Message);
        e = Assert.Throws<ModelFormatException>(() => InputData.Parse("""{"input_data": [[1, "x"]]}""", 2, "in.json"));
        Assert.Contains("input_data[0][1]", e.Message);
        var back = InputData.Parse(InputData.Serialize(rows), 3);
        Assert.Equal(rows[0], back[0]);
    }
}

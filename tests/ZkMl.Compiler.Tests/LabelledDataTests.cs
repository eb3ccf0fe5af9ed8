using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Compiler.Tests;

public class LabelledDataTests
{
    private static string Temp(string text)
    {
        string p = Path.Combine(Path.GetTempPath(), $"zkml-labelled-{Guid.NewGuid():N}.json");
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void SerializeRoundTripsAndAFlatBatchArrayIsSplit()
    {
        var rows = new[] { new[] { 0.5f, -1f }, new[] { 0.25f, 2f }, new[] { 0f, 0.125f } };
        string p = Temp(new LabelledData(rows, [1, 0, 1]).Serialize());
        var back = LabelledData.Load(p, 2, 2);
        Assert.Equal(rows, back.Rows);
        Assert.Equal([1, 0, 1], back.Labels);
        // EZKL writes a batch as one flat array: 3 rows of 2, one label each.
        string flat = Temp("{\"input_data\": [[0.5, -1, 0.25, 2, 0, 0.125]], \"labels\": [1, 0, 1]}");
        Assert.Equal(rows, LabelledData.Load(flat, 2, 2).Rows);
        File.Delete(p);
        File.Delete(flat);
    }

    [Theory]
    [InlineData("{\"input_data\": [[1, 2]], \"labels\": [0, 1]}", "field 'labels' has 2 entries but 'input_data' has 1 rows")]
    [InlineData("{\"input_data\": [[1, 2]], \"labels\": [2]}", "field 'labels[0]' is 2, expected a class 0…1 (the model has 2 outputs)")]
    [InlineData("{\"input_data\": [[1, 2]], \"labels\": [\"1\"]}", "field 'labels[0]': expected an integer class index, found string")]
    [InlineData("{\"input_data\": [[1, 2]], \"labels\": 1}", "expected field 'labels'")]
    [InlineData("{\"input_data\": [[1, 2, 3]], \"labels\": [0]}", "field 'input_data[0]' has 3 values")]
    [InlineData("{\"input_data\": [[1, 2]], \"labels\": [0]", "not valid JSON")]
    public void BadFilesNameTheField(string text, string fragment)
    {
        string p = Temp(text);
        var e = Assert.Throws<ModelFormatException>(() => LabelledData.Load(p, 2, 2));
        Assert.StartsWith(p + ": ", e.Message);
        Assert.Contains(fragment, e.Message);
        File.Delete(p);
    }

    [Fact]
    public void MismatchFindsAnotherModel()
    {
        var net = TestNets.Tiny();
        var c = CircuitCompiler.Compile(net, TestNets.TinyInputs());
        Assert.Null(LabelledAccuracy.Mismatch(net, c));
        // One weight changed by many quantization steps.
        var l0 = net.Layers[0];
        var w = l0.Weights.ToArray();
        w[5] += 0.1f;
        var changed = new Network([new DenseLayer(l0.InputSize, l0.OutputSize, w, l0.Bias, l0.Activation), net.Layers[1]]);
        Assert.Equal($"layer 0 weight [0, 5] is {c.Layers[0].Weights[5]} in the circuit, the model's {w[5]} quantizes to {Math.Round(w[5] / c.Layers[0].WeightScale, MidpointRounding.AwayFromZero)}",
            LabelledAccuracy.Mismatch(changed, c));
        var sigmoid = new Network([l0.WithActivation(Activation.Sigmoid), net.Layers[1]]);
        Assert.Equal("layer 0 has activation sigmoid in the model, relu in the circuit", LabelledAccuracy.Mismatch(sigmoid, c));
        var shallow = new Network([net.Layers[0]]);
        Assert.Equal("the model has 1 dense layers, the circuit 2", LabelledAccuracy.Mismatch(shallow, c));
    }

    [Fact]
    public void AccuraciesCountLabelsAndAgreement()
    {
        float[][] f = [[0, 1], [1, 0], [1, 0], [0, 1]];
        double[][] q = [[0, 1], [1, 0], [0, 1], [0, 1]];
        var a = LabelledAccuracy.Measure(f, q, [1, 0, 0, 0]);
        Assert.Equal((4, 3, 2, 3), (a.Samples, a.FloatCorrect, a.QuantizedCorrect, a.Agreements));
        Assert.Equal(-25.0, a.GapPoints, 10);
        Assert.Equal([0.0, 0, 0, 0, -1, 1, 0, 0], a.Errors);
        Assert.Throws<ArgumentException>(() => LabelledAccuracy.Measure(f, q, [1, 0, 0]));
        Assert.Throws<ArgumentException>(() => LabelledAccuracy.Measure(f, q, [1, 0, 2, 0]));
    }
}

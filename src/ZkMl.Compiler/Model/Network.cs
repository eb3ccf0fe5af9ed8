namespace ZkMl.Compiler.Model;

/// <summary>
/// A float network: a chain of dense layers. Layer ℓ's input size equals layer ℓ−1's output size.
/// Samples are flat vectors of <see cref="InputSize"/> floats (an image is flattened row-major).
/// </summary>
public sealed class Network
{
    /// <summary>Creates a network; validates that the layer shapes chain.</summary>
    /// <param name="layers">At least one dense layer.</param>
    /// <param name="name">Optional model name.</param>
    /// <param name="warnings">Notes from import (e.g. a dropped Softmax).</param>
    /// <param name="finalSoftmax">The model ends in a Softmax, which is not part of the network (see <see cref="FinalSoftmax"/>).</param>
    /// <exception cref="ModelFormatException">No layer, or layer shapes that do not chain.</exception>
    public Network(IReadOnlyList<DenseLayer> layers, string? name = null, IReadOnlyList<string>? warnings = null, bool finalSoftmax = false)
    {
        FinalSoftmax = finalSoftmax;
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ModelFormatException("network has no dense layer");
        for (int l = 1; l < layers.Count; l++)
            if (layers[l].InputSize != layers[l - 1].OutputSize)
                throw new ModelFormatException(
                    $"layers[{l}] has {layers[l].InputSize} inputs but layers[{l - 1}] has {layers[l - 1].OutputSize} outputs");
        Layers = layers.ToArray();
        Name = name;
        Warnings = warnings?.ToArray() ?? [];
    }

    /// <summary>
    /// The source model applies a Softmax after the last layer. It is not part of this network (the
    /// outputs are the logits before it) and cannot be proven exactly; argmax is unchanged by it.
    /// </summary>
    public bool FinalSoftmax { get; }

    /// <summary>The dense layers, input first.</summary>
    public IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>Features per sample.</summary>
    public int InputSize => Layers[0].InputSize;

    /// <summary>Outputs per sample.</summary>
    public int OutputSize => Layers[^1].OutputSize;

    /// <summary>Optional name.</summary>
    public string? Name { get; }

    /// <summary>Notes produced while importing (for the user).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>A one-line shape summary such as <c>784→128(relu)→10</c>.</summary>
    public string ShapeSummary()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(InputSize);
        foreach (var l in Layers)
        {
            sb.Append('→').Append(l.OutputSize);
            if (l.Activation != Activation.None) sb.Append('(').Append(l.Activation.ToName()).Append(')');
        }
        return sb.ToString();
    }
}

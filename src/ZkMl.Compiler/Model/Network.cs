namespace ZkMl.Compiler.Model;

/// <summary>
/// A float network: a chain of layers (dense; 2-D convolution and pooling over NCHW, see <see cref="Stages"/>).
/// Layer ℓ's input size equals layer ℓ−1's output size. Samples are flat vectors of <see cref="InputSize"/>
/// floats (an image is flattened row-major, [C, H, W]).
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
        : this(layers, (IReadOnlyList<NetworkLayer>)(layers ?? throw new ArgumentNullException(nameof(layers))), name, warnings, finalSoftmax) { }

    private Network(IReadOnlyList<DenseLayer>? dense, IReadOnlyList<NetworkLayer> stages, string? name, IReadOnlyList<string>? warnings, bool finalSoftmax)
    {
        FinalSoftmax = finalSoftmax;
        if (stages.Count == 0) throw new ModelFormatException("network has no dense layer");
        for (int l = 1; l < stages.Count; l++)
            if (stages[l].InputSize != stages[l - 1].OutputSize)
                throw new ModelFormatException(
                    $"layers[{l}] has {stages[l].InputSize} inputs but layers[{l - 1}] has {stages[l - 1].OutputSize} outputs");
        Stages = stages.ToArray();
        Layers = dense?.ToArray() ?? stages.OfType<DenseLayer>().ToArray();
        Name = name;
        Warnings = warnings?.ToArray() ?? [];
    }

    /// <summary>
    /// Creates a network of dense, convolution and pooling layers (<see cref="Stages"/>); validates that the
    /// flattened sizes chain (a conv output [C, H, W] feeds a dense layer of C·H·W inputs in that order).
    /// </summary>
    /// <exception cref="ModelFormatException">No layer, or sizes that do not chain.</exception>
    public static Network FromStages(IReadOnlyList<NetworkLayer> stages, string? name = null, IReadOnlyList<string>? warnings = null, bool finalSoftmax = false)
    {
        ArgumentNullException.ThrowIfNull(stages);
        return new Network(null, stages, name, warnings, finalSoftmax);
    }

    /// <summary>Every layer in order: dense, convolution and pooling layers.</summary>
    public IReadOnlyList<NetworkLayer> Stages { get; }

    /// <summary>True when every layer is dense (then <see cref="Layers"/> is the whole network).</summary>
    public bool IsDenseChain => Stages.Count == Layers.Count;

    /// <summary>
    /// The source model applies a Softmax after the last layer. It is not part of this network (the
    /// outputs are the logits before it) and cannot be proven exactly; argmax is unchanged by it.
    /// </summary>
    public bool FinalSoftmax { get; }

    /// <summary>The dense layers, input first: the whole network when <see cref="IsDenseChain"/>, else only its dense layers (see <see cref="Stages"/>).</summary>
    public IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>Features per sample.</summary>
    public int InputSize => Stages[0].InputSize;

    /// <summary>Outputs per sample.</summary>
    public int OutputSize => Stages[^1].OutputSize;

    /// <summary>Optional name.</summary>
    public string? Name { get; }

    /// <summary>Notes produced while importing (for the user).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>A one-line shape summary such as <c>784→128(relu)→10</c> or <c>1×28×28→conv5×5→4×24×24(relu)→…</c>.</summary>
    public string ShapeSummary()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(InputSize);
        if (Stages[0].Geometry is { } g0) sb.Clear().Append(g0.InC).Append('×').Append(g0.InH).Append('×').Append(g0.InW);
        foreach (var l in Stages)
        {
            if (l.Geometry is { } g)
                sb.Append(l.Kind switch { LayerKind.Conv => $"→conv{g.KH}×{g.KW}", LayerKind.MaxPool => $"→maxpool{g.KH}×{g.KW}", _ => $"→avgpool{g.KH}×{g.KW}" })
                  .Append('→').Append(g.OutC).Append('×').Append(g.OutH).Append('×').Append(g.OutW);
            else sb.Append('→').Append(l.OutputSize);
            if (l.Activation != Activation.None) sb.Append('(').Append(l.Activation.ToName()).Append(')');
        }
        return sb.ToString();
    }
}

namespace ZkMl.Compiler.Model;

/// <summary>
/// One float dense layer: <c>y = act(x · W + b)</c> with <c>W</c> of shape [InputSize, OutputSize]
/// stored row-major (<c>Weights[i * OutputSize + j]</c> is the weight from input i to output j).
/// </summary>
public sealed class DenseLayer : NetworkLayer
{
    /// <summary>Creates a layer; validates shapes and that every value is finite.</summary>
    /// <param name="inputSize">Number of inputs (rows of W).</param>
    /// <param name="outputSize">Number of outputs (columns of W).</param>
    /// <param name="weights">Row-major [inputSize × outputSize] weights (copied).</param>
    /// <param name="bias">Bias of length outputSize (copied).</param>
    /// <param name="activation">Activation applied after the affine map.</param>
    /// <param name="name">Optional name used in messages (e.g. the ONNX node name).</param>
    /// <exception cref="ModelFormatException">Wrong shapes or a NaN/Inf value (the message names the entry).</exception>
    /// <param name="alpha">α of a parameterized activation (LeakyRelu, HardSigmoid, Elu); ignored otherwise.</param>
    /// <param name="beta">β of HardSigmoid; for Gelu 1 = the tanh approximation.</param>
    public DenseLayer(int inputSize, int outputSize, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Activation activation, string? name = null, float alpha = 0, float beta = 0)
    {
        if (!float.IsFinite(alpha) || !float.IsFinite(beta))
            throw new ModelFormatException($"{(name is null ? "dense layer" : $"dense layer '{name}'")}: activation parameters must be finite (α = {alpha}, β = {beta})");
        ActivationAlpha = alpha;
        ActivationBeta = beta;
        string who = name is null ? "dense layer" : $"dense layer '{name}'";
        if (inputSize <= 0 || outputSize <= 0)
            throw new ModelFormatException($"{who}: shape [{inputSize}, {outputSize}] must be positive");
        if ((long)inputSize * outputSize > int.MaxValue)
            throw new ModelFormatException($"{who}: shape [{inputSize}, {outputSize}] is too large");
        if (weights.Length != inputSize * outputSize)
            throw new ModelFormatException($"{who}: weights have {weights.Length} values, expected {inputSize}×{outputSize} = {inputSize * outputSize}");
        if (bias.Length != outputSize)
            throw new ModelFormatException($"{who}: bias has {bias.Length} values, expected {outputSize}");
        if (activation == Activation.Softmax)
            throw new ModelFormatException($"{who}: softmax is not an element-wise activation (a final Softmax is Network.FinalSoftmax)");
        if (!Enum.IsDefined(activation))
            throw new ModelFormatException($"{who}: unknown activation {(int)activation}");
        for (int k = 0; k < weights.Length; k++)
            if (!float.IsFinite(weights[k]))
                throw new ModelFormatException($"{who}: weights[{k / outputSize}][{k % outputSize}] is {weights[k]}, expected a finite number");
        for (int k = 0; k < bias.Length; k++)
            if (!float.IsFinite(bias[k]))
                throw new ModelFormatException($"{who}: bias[{k}] is {bias[k]}, expected a finite number");
        InputSize = inputSize;
        OutputSize = outputSize;
        WeightData = weights.ToArray();
        BiasData = bias.ToArray();
        Activation = activation;
        Name = name;
    }

    internal readonly float[] WeightData;
    internal readonly float[] BiasData;

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Dense;

    /// <summary>Number of inputs.</summary>
    public override int InputSize { get; }

    /// <summary>Number of outputs.</summary>
    public override int OutputSize { get; }

    /// <summary>Row-major weights [InputSize × OutputSize].</summary>
    public ReadOnlySpan<float> Weights => WeightData;

    /// <summary>Bias, one per output.</summary>
    public ReadOnlySpan<float> Bias => BiasData;

    /// <summary>The weight from input <paramref name="i"/> to output <paramref name="j"/>.</summary>
    public float Weight(int i, int j) => WeightData[i * OutputSize + j];

    /// <summary>The activation after the affine map.</summary>
    public override Activation Activation { get; }

    /// <summary>Optional name (from the source file), used in messages.</summary>
    public override string? Name { get; }

    /// <summary>This layer with another activation.</summary>
    public DenseLayer WithActivation(Activation a, float alpha = 0, float beta = 0) => new(InputSize, OutputSize, WeightData, BiasData, a, Name, alpha, beta);

    /// <summary>α of a parameterized activation (see <see cref="Model.Activation"/>).</summary>
    public override float ActivationAlpha { get; }

    /// <summary>β of a parameterized activation.</summary>
    public override float ActivationBeta { get; }
}

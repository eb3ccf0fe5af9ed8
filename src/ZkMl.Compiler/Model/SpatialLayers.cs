using System.Numerics;

namespace ZkMl.Compiler.Model;

/// <summary>What a layer of a <see cref="Network"/> (and of a compiled circuit) computes.</summary>
public enum LayerKind
{
    /// <summary>A dense layer: y = act(x·W + b).</summary>
    Dense = 0,
    /// <summary>A 2-D convolution over NCHW (groups 1, dilation 1): y = act(conv(x, K) + b).</summary>
    Conv = 1,
    /// <summary>2-D max pooling (per channel; padded positions are ignored).</summary>
    MaxPool = 2,
    /// <summary>2-D average pooling (per channel; the divisor is always kh·kw, padded positions count as 0); GlobalAveragePool is its kernel = the whole image.</summary>
    AveragePool = 3,
}

/// <summary>
/// The geometry of a 2-D convolution or pooling window over one sample [InC, InH, InW] (NCHW without the batch):
/// output [OutC, OutH, OutW] with OutH = ⌊(InH + PadTop + PadBottom − KH) / StrideH⌋ + 1 (likewise OutW); the
/// window of output (y, x) reads input rows StrideH·y + dy − PadTop, dy &lt; KH (columns likewise), and
/// positions outside [0, InH) × [0, InW) are the padding. Dilation 1.
/// </summary>
public sealed record Conv2dGeometry(int InC, int InH, int InW, int OutC, int KH, int KW, int StrideH, int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    /// <summary>Output rows.</summary>
    public int OutH => (InH + PadTop + PadBottom - KH) / StrideH + 1;

    /// <summary>Output columns.</summary>
    public int OutW => (InW + PadLeft + PadRight - KW) / StrideW + 1;

    /// <summary>True when any pad is non-zero.</summary>
    public bool Padded => PadTop != 0 || PadLeft != 0 || PadBottom != 0 || PadRight != 0;

    /// <summary>Input values per sample.</summary>
    public int InputSize => InC * InH * InW;

    /// <summary>Output values per sample.</summary>
    public int OutputSize => OutC * OutH * OutW;

    /// <summary>Kernel window entries (KH·KW).</summary>
    public int Window => KH * KW;

    /// <summary>Why this geometry is invalid (names the field), or null.</summary>
    public string? Problem()
    {
        if (InC <= 0 || InH <= 0 || InW <= 0 || OutC <= 0) return $"shape [{InC}, {InH}, {InW}] → {OutC} channels must be positive";
        if (KH <= 0 || KW <= 0) return $"kernel {KH}×{KW} must be positive";
        if (StrideH <= 0 || StrideW <= 0) return $"strides {StrideH}, {StrideW} must be positive";
        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0) return "pads must be ≥ 0";
        if (PadTop >= KH || PadBottom >= KH || PadLeft >= KW || PadRight >= KW) return $"pads [{PadTop}, {PadLeft}, {PadBottom}, {PadRight}] must be smaller than the kernel {KH}×{KW} (a window of padding only)";
        if (InH + PadTop + PadBottom < KH || InW + PadLeft + PadRight < KW) return $"kernel {KH}×{KW} is larger than the padded input {InH + PadTop + PadBottom}×{InW + PadLeft + PadRight}";
        if ((long)InC * InH * InW > 1 << 24 || (long)OutC * OutH * OutW > 1 << 24) return "tensor too large";
        return null;
    }

    /// <summary>
    /// z[o, y, x] = b[o] + Σ_{i, dy, dx} K[o, i, dy, dx]·a[i, s·y + dy − p, s·x + dx − p] (zero outside the input),
    /// accumulated in this order in <typeparamref name="T"/>: the float executor (float32 like onnxruntime) and the
    /// integer executor (exact, long) share it.
    /// </summary>
    internal void Convolve<T>(ReadOnlySpan<T> kernel, ReadOnlySpan<T> bias, ReadOnlySpan<T> a, Span<T> z) where T : INumberBase<T>
    {
        int oh = OutH, ow = OutW;
        for (int o = 0; o < OutC; o++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    T s = bias[o];
                    for (int i = 0; i < InC; i++)
                        for (int dy = 0; dy < KH; dy++)
                        {
                            int u = StrideH * y + dy - PadTop;
                            if ((uint)u >= (uint)InH) continue;
                            int krow = ((o * InC + i) * KH + dy) * KW, arow = (i * InH + u) * InW;
                            for (int dx = 0; dx < KW; dx++)
                            {
                                int v = StrideW * x + dx - PadLeft;
                                if ((uint)v >= (uint)InW) continue;
                                s += kernel[krow + dx] * a[arow + v];
                            }
                        }
                    z[(o * oh + y) * ow + x] = s;
                }
    }

    /// <summary>
    /// Each window's maximum over its real entries (<paramref name="max"/>, starting from <paramref name="lowest"/>)
    /// or its sum (padded entries 0), channel by channel (InC = OutC): max and average pooling of both executors.
    /// </summary>
    internal void ReduceWindows<T>(bool max, T lowest, ReadOnlySpan<T> a, Span<T> z) where T : INumber<T>
    {
        int oh = OutH, ow = OutW;
        for (int c = 0; c < InC; c++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    T s = max ? lowest : T.Zero;
                    for (int dy = 0; dy < KH; dy++)
                    {
                        int u = StrideH * y + dy - PadTop;
                        if ((uint)u >= (uint)InH) continue;
                        for (int dx = 0; dx < KW; dx++)
                        {
                            int v = StrideW * x + dx - PadLeft;
                            if ((uint)v >= (uint)InW) continue;
                            T e = a[(c * InH + u) * InW + v];
                            s = max ? T.Max(s, e) : s + e;
                        }
                    }
                    z[(c * oh + y) * ow + x] = s;
                }
    }

    /// <summary>A one-line description such as <c>1×28×28 →(5×5 s1 p0)→ 4×24×24</c>.</summary>
    public override string ToString() =>
        $"{InC}×{InH}×{InW} →({KH}×{KW} s{StrideH}{(StrideW != StrideH ? "," + StrideW : "")} p{PadTop}{(PadLeft != PadTop || PadBottom != PadTop || PadRight != PadTop ? $",{PadLeft},{PadBottom},{PadRight}" : "")})→ {OutC}×{OutH}×{OutW}";
}

/// <summary>
/// A float 2-D convolution (ONNX Conv, NCHW, groups 1, dilation 1): y[o, y, x] = act(b[o] + Σ_{i, dy, dx}
/// K[o, i, dy, dx] · x[i, s·y + dy − p, s·x + dx − p]) with zeros outside the input. The kernel is stored in
/// ONNX order [OutC, InC, KH, KW]. Inputs and outputs are flattened [C, H, W] row-major per sample.
/// </summary>
public sealed class ConvLayer : NetworkLayer
{
    /// <summary>Creates the layer; validates the geometry, the kernel and bias sizes and that every value is finite.</summary>
    /// <exception cref="ModelFormatException">Bad geometry or a wrong-sized / non-finite kernel or bias (the message names the layer).</exception>
    public ConvLayer(Conv2dGeometry geometry, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Activation activation, string? name = null, float alpha = 0, float beta = 0)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        string who = name is null ? "conv layer" : $"conv layer '{name}'";
        if (geometry.Problem() is { } p) throw new ModelFormatException($"{who}: {p}");
        long kSize = (long)geometry.OutC * geometry.InC * geometry.KH * geometry.KW;
        if (kernel.Length != kSize) throw new ModelFormatException($"{who}: kernel has {kernel.Length} values, expected {geometry.OutC}×{geometry.InC}×{geometry.KH}×{geometry.KW} = {kSize}");
        if (bias.Length != geometry.OutC) throw new ModelFormatException($"{who}: bias has {bias.Length} values, expected {geometry.OutC}");
        CheckActivation(activation, who, alpha, beta);
        for (int k = 0; k < kernel.Length; k++)
            if (!float.IsFinite(kernel[k])) throw new ModelFormatException($"{who}: kernel[{k}] is {kernel[k]}, expected a finite number");
        for (int k = 0; k < bias.Length; k++)
            if (!float.IsFinite(bias[k])) throw new ModelFormatException($"{who}: bias[{k}] is {bias[k]}, expected a finite number");
        Geometry = geometry;
        KernelData = kernel.ToArray();
        BiasData = bias.ToArray();
        Activation = activation;
        ActivationAlpha = alpha;
        ActivationBeta = beta;
        Name = name;
    }

    internal readonly float[] KernelData;
    internal readonly float[] BiasData;

    /// <inheritdoc/>
    public override LayerKind Kind => LayerKind.Conv;

    /// <summary>Input/output shapes, kernel size, strides, pads.</summary>
    public override Conv2dGeometry Geometry { get; }

    /// <summary>The kernel [OutC, InC, KH, KW] row-major.</summary>
    public ReadOnlySpan<float> Kernel => KernelData;

    /// <summary>Bias, one per output channel.</summary>
    public ReadOnlySpan<float> Bias => BiasData;

    /// <inheritdoc/>
    public override int InputSize => Geometry.InputSize;

    /// <inheritdoc/>
    public override int OutputSize => Geometry.OutputSize;

    /// <inheritdoc/>
    public override Activation Activation { get; }

    /// <inheritdoc/>
    public override float ActivationAlpha { get; }

    /// <inheritdoc/>
    public override float ActivationBeta { get; }

    /// <inheritdoc/>
    public override string? Name { get; }
}

/// <summary>
/// A float 2-D pooling layer (ONNX MaxPool, AveragePool, GlobalAveragePool) applied per channel. Max pooling
/// ignores padded positions; average pooling sums the window (padded positions count as 0) and divides by
/// KH·KW. An average pool may carry an activation (it is requantized like a dense layer); a max pool has none.
/// </summary>
public sealed class PoolLayer : NetworkLayer
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ModelFormatException">Bad geometry (OutC must equal InC), or an activation on a max pool.</exception>
    public PoolLayer(LayerKind kind, Conv2dGeometry geometry, Activation activation = Activation.None, string? name = null, float alpha = 0, float beta = 0)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        string who = name is null ? "pooling layer" : $"pooling layer '{name}'";
        if (kind is not (LayerKind.MaxPool or LayerKind.AveragePool)) throw new ModelFormatException($"{who}: kind {kind} is not a pooling kind");
        if (geometry.Problem() is { } p) throw new ModelFormatException($"{who}: {p}");
        if (geometry.OutC != geometry.InC) throw new ModelFormatException($"{who}: pooling keeps the channels ({geometry.InC} in, {geometry.OutC} out)");
        if (kind == LayerKind.MaxPool && activation != Activation.None) throw new ModelFormatException($"{who}: a max pool carries no activation (put it on the layer before)");
        CheckActivation(activation, who, alpha, beta);
        Kind = kind;
        Geometry = geometry;
        Activation = activation;
        ActivationAlpha = alpha;
        ActivationBeta = beta;
        Name = name;
    }

    /// <inheritdoc/>
    public override LayerKind Kind { get; }

    /// <summary>The window geometry (OutC = InC).</summary>
    public override Conv2dGeometry Geometry { get; }

    /// <inheritdoc/>
    public override int InputSize => Geometry.InputSize;

    /// <inheritdoc/>
    public override int OutputSize => Geometry.OutputSize;

    /// <inheritdoc/>
    public override Activation Activation { get; }

    /// <inheritdoc/>
    public override float ActivationAlpha { get; }

    /// <inheritdoc/>
    public override float ActivationBeta { get; }

    /// <inheritdoc/>
    public override string? Name { get; }
}

/// <summary>One layer of a <see cref="Network"/>: a <see cref="DenseLayer"/>, <see cref="ConvLayer"/> or <see cref="PoolLayer"/>.</summary>
public abstract class NetworkLayer
{
    private protected NetworkLayer() { }

    /// <summary>What the layer computes.</summary>
    public abstract LayerKind Kind { get; }

    /// <summary>The spatial geometry of a conv or pooling layer; null for a dense layer.</summary>
    public virtual Conv2dGeometry? Geometry => null;

    /// <summary>Inputs per sample (flattened).</summary>
    public abstract int InputSize { get; }

    /// <summary>Outputs per sample (flattened).</summary>
    public abstract int OutputSize { get; }

    /// <summary>The activation after the layer.</summary>
    public abstract Activation Activation { get; }

    /// <summary>α of a parameterized activation (see <see cref="Model.Activation"/>).</summary>
    public abstract float ActivationAlpha { get; }

    /// <summary>β of a parameterized activation.</summary>
    public abstract float ActivationBeta { get; }

    /// <summary>Optional name (from the source file), used in messages.</summary>
    public abstract string? Name { get; }

    /// <summary>A short shape such as <c>784→128</c> or <c>conv 1×28×28 →(5×5 s1 p0)→ 4×24×24</c>.</summary>
    public string ShapeText() => Kind switch
    {
        LayerKind.Dense => $"{InputSize}→{OutputSize}",
        LayerKind.Conv => $"conv {Geometry}",
        LayerKind.MaxPool => $"maxpool {Geometry}",
        _ => $"avgpool {Geometry}",
    };

    private protected static void CheckActivation(Activation activation, string who, float alpha, float beta)
    {
        if (!float.IsFinite(alpha) || !float.IsFinite(beta))
            throw new ModelFormatException($"{who}: activation parameters must be finite (α = {alpha}, β = {beta})");
        if (activation == Activation.Softmax)
            throw new ModelFormatException($"{who}: softmax is not an element-wise activation (a final Softmax is Network.FinalSoftmax)");
        if (!Enum.IsDefined(activation))
            throw new ModelFormatException($"{who}: unknown activation {(int)activation}");
    }
}

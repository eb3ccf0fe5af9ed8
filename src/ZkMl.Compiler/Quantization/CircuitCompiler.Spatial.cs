using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

// Convolution and pooling layers: the kernel is quantized like a dense layer's weights (per tensor), the bias per
// output channel, and the bounds are interval bounds per output channel. The conv layer keeps its kernel and
// geometry; nothing of size (image × kernel) is built.
public static partial class CircuitCompiler
{
    /// <summary>
    /// A conv layer: the kernel at s_w = max|K|/qw, the bias at s_in·s_w, and per output channel o
    /// Z ∈ [b_o + Σ_{i,dy,dx} min(K·lo, K·hi), b_o + Σ max(K·lo, K·hi)], each term widened to include 0 when the
    /// layer is padded (a window that overlaps the padding lacks those terms). An average pool: implicit weights 1
    /// at s_w = 1/(KH·KW) (so Z = the window sum and the requantization divides), no bias, Z ∈ [KH·KW·lo, KH·KW·hi]
    /// per channel (widened to include 0 when padded).
    /// </summary>
    private static (double SW, long[] W, long[] B, long[] ZMin, long[] ZMax, Int128 ZAbs) QuantizeSpatial(NetworkLayer layer, double sIn, long qw, long inLo, long inHi, string who)
    {
        var g = layer.Geometry ?? throw new InvalidOperationException($"{who}: no geometry");
        var zMin = new long[g.OutC];
        var zMax = new long[g.OutC];
        Int128 zAbs = 0;
        void Bound(int o, Int128 lo, Int128 hi)
        {
            if (Int128.Abs(lo) >= Int128.One << ZBits || Int128.Abs(hi) >= Int128.One << ZBits)
                throw new CompileException($"{who}: accumulator bound |Z| reaches 2^{Bits(Int128.Max(Int128.Abs(lo), Int128.Abs(hi)))} (limit 2^{ZBits}); lower --weight-bits or --act-bits");
            zMin[o] = (long)lo;
            zMax[o] = (long)hi;
            zAbs = Int128.Max(zAbs, Int128.Max(Int128.Abs(lo), Int128.Abs(hi)));
        }
        if (layer is PoolLayer { Kind: LayerKind.AveragePool })
        {
            long win = g.Window;
            for (int o = 0; o < g.OutC; o++)
            {
                Int128 lo = (Int128)win * inLo, hi = (Int128)win * inHi;
                Bound(o, g.Padded ? Int128.Min(lo, 0) : lo, g.Padded ? Int128.Max(hi, 0) : hi);
            }
            return (1.0 / win, [], [], zMin, zMax, zAbs);
        }
        var conv = layer as ConvLayer ?? throw new InvalidOperationException($"{who}: not a conv or pooling layer");
        double wMax = 0;
        foreach (float v in conv.Kernel) wMax = Math.Max(wMax, Math.Abs(v));
        double sW = wMax > 0 ? wMax / qw : 1.0;
        var w = new long[conv.KernelData.Length];
        for (int k = 0; k < w.Length; k++)
            w[k] = Math.Clamp((long)Math.Round(conv.KernelData[k] / sW, MidpointRounding.AwayFromZero), -qw, qw);
        double sAcc = sIn * sW;
        var b = new long[g.OutC];
        for (int o = 0; o < g.OutC; o++)
        {
            double v = Math.Round(conv.BiasData[o] / sAcc, MidpointRounding.AwayFromZero);
            if (!(Math.Abs(v) < Math.Pow(2, ZBits - 2)))
                throw new CompileException($"{who}: bias[{o}] = {conv.BiasData[o]} is {v:G3} at the accumulator scale {sAcc:G3}, beyond 2^{ZBits - 2}; lower --weight-bits or --act-bits, or use wider calibration ranges");
            b[o] = (long)v;
        }
        int per = g.InC * g.KH * g.KW;
        for (int o = 0; o < g.OutC; o++)
        {
            Int128 lo = b[o], hi = b[o];
            for (int t = 0; t < per; t++)
            {
                long kt = w[(long)o * per + t];
                Int128 p1 = (Int128)kt * inLo, p2 = (Int128)kt * inHi;
                Int128 tLo = Int128.Min(p1, p2), tHi = Int128.Max(p1, p2);
                if (g.Padded) { tLo = Int128.Min(tLo, 0); tHi = Int128.Max(tHi, 0); }
                lo += tLo;
                hi += tHi;
            }
            Bound(o, lo, hi);
        }
        return (sW, w, b, zMin, zMax, zAbs);
    }

    /// <summary>A max pool: Z = A = the window maximum, in the input's range [lo, hi] and at its scale (no requantization, no table).</summary>
    private static CircuitLayer MaxPoolLayer(PoolLayer layer, int index, bool isOut, double sIn, long inLo, long inHi, IReadOnlyList<int> inShape)
    {
        var g = layer.Geometry;
        return new CircuitLayer
        {
            Index = index, IsOutput = isOut, InputSize = layer.InputSize, OutputSize = layer.OutputSize, Activation = Activation.None,
            Kind = LayerKind.MaxPool, Geometry = g, InputShape = inShape,
            InputScale = sIn, WeightScale = 1, QScale = sIn, OutputScale = sIn, Name = layer.Name,
            WeightData = [], BiasData = [], ZMinData = Enumerable.Repeat(inLo, g.OutC).ToArray(), ZMaxData = Enumerable.Repeat(inHi, g.OutC).ToArray(),
            ZBound = Math.Max(Math.Abs(inLo), Math.Abs(inHi)), AMin = inLo, AMax = inHi,
        };
    }
}

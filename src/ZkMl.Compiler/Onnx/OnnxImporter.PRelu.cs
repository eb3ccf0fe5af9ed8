using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Onnx;

// PRelu with per-channel slopes that differ, compiled without a per-channel table: PRelu_c(z) = relu(z) − s_c·relu(−z)
// for every real s_c (z ≥ 0: z − 0; z < 0: 0 − s_c·(−z)). The layer L before it (dense or Conv, no activation yet)
// becomes L' = [L; −L] (its outputs doubled, one relu table on all), and the next linear layer N (dense, Conv, the
// identity-like layer inserted at the end or before another activation) reads the doubled input through
// N' = [N; −diag(s)·N]. An AveragePool in between works per channel, so it pools the doubled channels and the
// recombination waits for the layer after it. Exact in floats; in integers Z' = [Z, −Z] exactly (weights and bias
// round half away from zero, symmetric), so only requantization ties differ from a per-channel table (docs/supported-ops.md).
public static partial class OnnxImporter
{
    private static string PReluDoc =>
        "\n**Per-channel PRelu.** One lookup table per layer serves one slope, so a PRelu whose slopes s differ is compiled as\n" +
        "PRelu_s(z) = relu(z) − s·relu(−z), exact for every real s (both signs, 0, > 1). The dense or Conv layer L before it\n" +
        "becomes L' = [L; −L] (outputs doubled, one relu table on all), and the next linear layer N reads the doubled input as\n" +
        "N' = [N; −diag(s)·N]: a dense layer, a Conv (one slope per channel, [C, 1, 1]), or, when the PRelu is the last op or\n" +
        $"another activation follows, an identity-like dense layer [I; −diag(s)] (at most {MaxIdentityWidth} features). An AveragePool or\n" +
        "GlobalAveragePool in between pools the doubled channels (it is linear per channel); Add/Sub/Mul/Div after the PRelu fold\n" +
        "into N first. With no dense or Conv layer right before it (first op, after another activation or a pooling layer) an\n" +
        "identity dense layer is inserted and doubled. **Cost**: L's outputs (weights, requantizations, lookups) and N's inputs\n" +
        "(weights) double. **Quantization**: [W, −W] and [b, −b] round half away from zero, so the mirrored half's integer\n" +
        "accumulators are exactly −Z; both halves share one activation scale (calibrated on relu(z) and relu(−z), i.e. on |z|),\n" +
        "and N' one weight scale, set by max|s|·max|N| when a slope exceeds 1 (N's own weights then get coarser); a slope near 0\n" +
        "keeps few levels, as on the negative side of a one-slope table. Requantization rounds ties up, so on the negative side a\n" +
        "tie rounds |z| up where a per-channel table would round z up: the same half-step bound. A final per-channel PRelu is\n" +
        "proven: the public outputs are its values, the accumulators of the identity-like output layer (its matmul; `zkml`\n" +
        "labels them logits, as the outputs of a linear last layer). A MaxPool after it is refused: max(relu z) − s·max(relu(−z))\n" +
        "is not max(PRelu(z)).\n";

    private sealed partial class Importer
    {
        // The per-channel PRelu waiting for the next linear layer: its slope per (logical) feature of the flow; the
        // last layer's outputs are doubled [relu(z); relu(−z)] (null: none pending).
        private float[]? mirror;
        private string mirrorWho = "";

        /// <summary>The slopes of a PRelu broadcast to one per feature when they differ; null when there is one value (a LeakyRelu table).</summary>
        private float[]? PerChannelSlopes(NodeProto n, string who, long[] flowShape)
        {
            if (n.Input.Count != 2) throw Err($"{who}: needs inputs X, slope");
            var t = Const(n, 1, who);
            var slope = t.Floats ?? throw Err($"{who}: slope '{n.Input[1]}' must be a float tensor");
            if (slope.Length == 0) throw Err($"{who}: empty slope");
            for (int i = 0; i < slope.Length; i++)
                if (!float.IsFinite(slope[i])) throw Err($"{who}: slope[{i}] is {slope[i]}, expected a finite number");
            if (slope.All(v => v == slope[0])) return null;
            return PerFeature(t, checked((int)Features(flowShape)), flowShape, who, $"slope '{n.Input[1]}'");
        }

        /// <summary>
        /// A PRelu with per-feature <paramref name="slopes"/>: doubles the layer before it (an identity dense layer
        /// first when there is no dense or Conv layer without activation right before) and leaves the slopes pending
        /// for the next linear layer. Returns the flow shape (flattened when an identity layer was inserted).
        /// </summary>
        private long[] PerChannelPRelu(string who, long[] flowShape, float[] slopes, bool lastIsDense)
        {
            if (mirror != null || !lastIsDense || layers.Count == 0 || layers[^1].Act != Activation.None || layers[^1].Spatial is PoolLayer)
            {
                AddIdentityLayer(who, flowShape);
                flowShape = [layers[^1].Out];
            }
            var l = layers[^1];
            int m = l.Out;
            var w = new float[l.W.Length * 2L];
            if (l.Spatial is ConvLayer conv)
            {
                // Kernel [C_out, C_in, kH, kW]: the mirrored output channels follow the originals.
                int outC = conv.Geometry.OutC;
                var cb = new float[2 * outC];
                l.W.CopyTo(w, 0);
                for (int k = 0; k < l.W.Length; k++) w[l.W.Length + k] = -l.W[k];
                for (int o = 0; o < outC; o++) { cb[o] = l.B[o]; cb[outC + o] = -l.B[o]; }
                var geo = conv.Geometry with { OutC = 2 * outC };
                if (geo.Problem() is { } problem) throw Err($"{who}: the Conv '{l.Name}' with doubled output channels (per-channel PRelu): {problem}");
                layers[^1] = l with { Out = geo.OutputSize, W = w, B = cb, Act = Activation.Relu, Spatial = new ConvLayer(geo, w, cb, Activation.None, l.Name) };
            }
            else
            {
                // W [in, m] row-major: row i becomes [W_i, −W_i].
                var b = new float[2 * m];
                for (int i = 0; i < l.In; i++)
                    for (int j = 0; j < m; j++)
                    {
                        float v = l.W[(long)i * m + j];
                        w[(long)i * 2 * m + j] = v;
                        w[(long)i * 2 * m + m + j] = -v;
                    }
                for (int j = 0; j < m; j++) { b[j] = l.B[j]; b[m + j] = -l.B[j]; }
                layers[^1] = l with { Out = 2 * m, W = w, B = b, Act = Activation.Relu };
            }
            actParams.Remove(layers.Count - 1);
            mirror = slopes;
            mirrorWho = who;
            warnings.Add($"{who}: per-channel slopes compiled as relu(z) − s·relu(−z): layer '{l.Name}' doubled to {layers[^1].Out} outputs ([z, −z], one relu table), the next linear layer reads them through [N; −diag(s)·N]");
            return flowShape;
        }

        /// <summary>The last (new) layer reads the doubled input of a pending per-channel PRelu: dense W' = [W; −diag(s)·W], Conv K'[o] = [K[o, i]; −s_i·K[o, i]].</summary>
        private void ReadMirroredInput()
        {
            if (mirror == null) return;
            var l = layers[^1];
            var s = mirror;
            if (s.Length != l.In) throw Err($"internal: pending PRelu slopes for {s.Length} features before a layer of {l.In} inputs");
            if (l.Spatial is ConvLayer conv)
            {
                var g = conv.Geometry;
                var perChannel = ChannelSlopes(g.InC, g.InH * g.InW, $"the Conv '{l.Name}' after it");
                int per = g.KH * g.KW;
                var k = new float[(long)g.OutC * 2 * g.InC * per];
                for (int o = 0; o < g.OutC; o++)
                    for (int i = 0; i < g.InC; i++)
                        for (int t = 0; t < per; t++)
                        {
                            float v = l.W[((long)o * g.InC + i) * per + t];
                            k[((long)o * 2 * g.InC + i) * per + t] = v;
                            k[((long)o * 2 * g.InC + g.InC + i) * per + t] = -perChannel[i] * v;
                        }
                var geo = g with { InC = 2 * g.InC };
                if (geo.Problem() is { } problem) throw Err($"{mirrorWho}: the Conv '{l.Name}' after it, with doubled input channels: {problem}");
                layers[^1] = l with { In = geo.InputSize, W = k, Spatial = new ConvLayer(geo, k, l.B, Activation.None, l.Name) };
            }
            else
            {
                if (l.Spatial != null) throw Err($"internal: pending PRelu slopes before a {l.Spatial.Kind} layer");
                int n = l.In, m = l.Out;
                var w = new float[2L * n * m];
                l.W.CopyTo(w, 0);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < m; j++) w[(long)(n + i) * m + j] = -s[i] * l.W[(long)i * m + j];
                layers[^1] = l with { In = 2 * n, W = w };
            }
            mirror = null;
        }

        /// <summary>
        /// An AveragePool (or GlobalAveragePool) <paramref name="geo"/> on the doubled channels of a pending per-channel
        /// PRelu: avg(PRelu_c(z)) = avg(relu z) − s_c·avg(relu(−z)) per channel, so it pools all 2C channels and the
        /// slopes wait for the next linear layer (one per channel on the pooled plane).
        /// </summary>
        private Conv2dGeometry PoolMirrored(Conv2dGeometry geo, string who)
        {
            var perChannel = ChannelSlopes(geo.InC, geo.InH * geo.InW, who);
            int plane = geo.OutH * geo.OutW;
            mirror = new float[geo.InC * plane];
            for (int c = 0; c < geo.InC; c++) Array.Fill(mirror, perChannel[c], c * plane, plane);
            var doubled = geo with { InC = 2 * geo.InC, OutC = 2 * geo.OutC };
            return doubled.Problem() is { } problem ? throw Err($"{who}: pooling the doubled channels of the per-channel PRelu {mirrorWho}: {problem}") : doubled;
        }

        /// <summary>The pending slopes as one per channel of a [C, H, W] flow; a refusal naming the PRelu when they vary within a channel.</summary>
        private float[] ChannelSlopes(int channels, int plane, string reader)
        {
            var s = mirror!;
            var r = new float[channels];
            for (int c = 0; c < channels; c++)
            {
                r[c] = s[c * plane];
                for (int e = 1; e < plane; e++)
                    if (s[c * plane + e] != r[c])
                        throw Err($"{mirrorWho}: the slopes differ within channel {c} ({r[c]} and {s[c * plane + e]}); {reader} shares its kernel over the positions of a channel, so it needs one slope per channel (shape [C, 1, 1])");
            }
            return r;
        }

        /// <summary>A MaxPool right after a per-channel PRelu: refused (the max of the recombined channels is not the recombination of their maxima).</summary>
        private void RefuseMaxPoolAfterMirror(string who)
        {
            if (mirror != null)
                throw Err($"{who}: follows the per-channel PRelu {mirrorWho}, compiled as relu(z) − s·relu(−z) over doubled channels recombined by the next linear layer; a max does not commute with that recombination (max(relu z) − s·max(relu(−z)) ≠ max(PRelu(z))), so a MaxPool there is not supported (a PRelu with one slope is)");
        }
    }
}

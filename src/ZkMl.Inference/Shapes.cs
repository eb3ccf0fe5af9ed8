using ZkMl.Compiler.Model;

namespace ZkMl.Inference;

/// <summary>The layouts fixed by a verifying key: model vector and lookup table (docs/protocol.md "Keys").</summary>
internal sealed class KeyShape
{
    /// <summary>Tag of the range segment.</summary>
    public const int RangeTag = 1;

    /// <summary>Tag of hidden layer ℓ's activation segment.</summary>
    public static int ActTag(int layer) => layer + 2;

    /// <summary>Tag t_X of the input segment (ZK private inputs with the range check): the next tag after the T activation segments.</summary>
    public int InputTag => ActTag(T);

    /// <param name="layers">The layer keys.</param>
    /// <param name="limbBits">c: the range segment has 2^c entries.</param>
    /// <param name="inputSegmentVars">≥ 0 (ZK private inputs with the range check, docs/zk-design.md §6): the table gains an
    /// input segment of 2^inputSegmentVars entries (2^ActBits) and one reserved filler entry, so that a filler tuple
    /// exists even when the segments fill the table exactly; −1: neither (every other mode, unchanged).</param>
    public KeyShape(IReadOnlyList<LayerKey> layers, int limbBits, int inputSegmentVars = -1)
    {
        L = layers.Count;
        H = L - 1;
        OutputTabled = layers[^1].Multiplier != 0;
        T = OutputTabled ? L : H;
        Layers = layers;
        var model = new List<int>();
        for (int l = 0; l < L; l++)
        {
            var lk = layers[l];
            switch (lk.Kind)
            {
                case LayerKind.Dense: model.Add(lk.InVars + lk.OutVars); model.Add(lk.OutVars); break;
                // the kernel [C_out'][C_in'][kh'][kw'] and the bias [C_out']
                case LayerKind.Conv: model.Add(lk.OutBits.C + lk.KernelInVars); model.Add(lk.OutBits.C); break;
                // (pooling layers have no model items: one zero entry each keeps the item numbering)
                default: model.Add(0); model.Add(0); break;
            }
        }
        TableItem = new int[L];
        Array.Fill(TableItem, -1);
        if (T >= 1)
        {
            var table = new List<int>();
            for (int l = 0; l < T; l++)
                if (Tabled(l)) { TableItem[l] = table.Count; table.Add(layers[l].TableVars); }
            RangeItem = table.Count;
            table.Add(limbBits);
            if (inputSegmentVars >= 0)
            {
                InputItem = table.Count; table.Add(inputSegmentVars);
                FillerItem = table.Count; table.Add(0);
            }
            TableLayout = new Layout(table);
            model.Add(TableLayout.NumVars);
        }
        ColumnOffset = new int[Math.Max(T, 0)];
        int ci = 0;
        for (int l = 0; l < T; l++) { ColumnOffset[l] = ci; ci += Tabled(l) ? 2 + layers[l].Limbs : 1; }
        ColumnCount = T >= 1 ? ci + 1 : 0;
        // Layer 0's weight rows k ≥ InputSize multiply the zero padding of the public input X
        // (the verifier evaluates X̃ with zeros there), so its claims never depend on them: the other
        // model items go there when they fit (docs/protocol.md "Keys"). (Not for a conv layer 0: its kernel has no such rows.)
        ModelLayout = layers[0].Kind == LayerKind.Dense
            ? new Layout(model, WeightItem(0), (long)layers[0].InputSize << layers[0].OutVars)
            : new Layout(model);
    }

    public IReadOnlyList<LayerKey> Layers { get; }

    /// <summary>Layer ℓ (&lt; T) has Q, R and an activation table (every layer but a max pool).</summary>
    public bool Tabled(int l) => Layers[l].Kind != LayerKind.MaxPool;

    /// <summary>Layer ℓ takes part in the combined matmul sumcheck (dense: A·W; conv: Phase 1).</summary>
    public bool InMatmul(int l) => Layers[l].Kind is LayerKind.Dense or LayerKind.Conv;

    /// <summary>The table item of tabled layer ℓ (−1 for a max pool or an untabled output layer).</summary>
    public int[] TableItem { get; }

    /// <summary>Offset of layer ℓ's values in `cols` (ℓ &lt; T): Q, A, R_0 … for a tabled layer; Y, D for a max pool.</summary>
    public int[] ColumnOffset { get; }

    /// <summary>Number of `cols` values (0 without lookups).</summary>
    public int ColumnCount { get; }

    /// <summary>The layers with a Phase-2 term (conv, average and max pool), from the output side down (ℓ = L−1 … 0).</summary>
    public IEnumerable<int> Phase2Layers => Enumerable.Range(0, L).Reverse().Where(l => Layers[l].IsSpatial);

    /// <summary>The max-pool layers (ℓ = L−1 … 0), each with a product zero-check.</summary>
    public IEnumerable<int> MaxPoolLayers => Enumerable.Range(0, L).Reverse().Where(l => Layers[l].Kind == LayerKind.MaxPool);

    public int L { get; }

    /// <summary>Hidden layers (L − 1): their A is committed in W1.</summary>
    public int H { get; }

    /// <summary>
    /// The output layer proves a final activation (its M ≠ 0 in the key): it has Q, R, A and a table like a
    /// hidden layer, and its A is the public output (not committed).
    /// </summary>
    public bool OutputTabled { get; }

    /// <summary>Layers with a lookup table: 0 … T−1 (T = H, or L with <see cref="OutputTabled"/>).</summary>
    public int T { get; }

    /// <summary>The lookup table t (null without tabled layers): item ℓ = act_ℓ, item T = range.</summary>
    public Layout? TableLayout { get; }

    /// <summary>Model vector: item 2ℓ = W_ℓ, 2ℓ+1 = b_ℓ, 2L = a_col.</summary>
    public Layout ModelLayout { get; }

    public static int WeightItem(int layer) => 2 * layer;

    public static int BiasItem(int layer) => 2 * layer + 1;

    public int ActColItem => 2 * L;

    /// <summary>The range segment's table item (= the number of tabled layers; T for dense circuits).</summary>
    public int RangeItem { get; }

    /// <summary>Table item of the input segment (entry j = (t_X, −InputBound + j, 0)), or −1 when the key has none.</summary>
    public int InputItem { get; } = -1;

    /// <summary>Table item of the reserved filler entry (0, 0, 0) that comes with the input segment, or −1.</summary>
    public int FillerItem { get; } = -1;
}

/// <summary>The per-proof layouts for a padded batch of 2^b rows: W1, the lookup witness f, W2.</summary>
internal sealed class BatchShape
{
    public BatchShape(VerifyingKey vk, int batchVars) : this(vk.Layers, vk.Shape, batchVars) { }

    public BatchShape(IReadOnlyList<LayerKey> layers, KeyShape ks, int batchVars)
    {
        BatchVars = batchVars;
        int h = ks.T;
        AItem = new int[h]; RItem = new int[h][];
        FAct = new int[h]; FLimb = new int[h][];
        DItem = new int[h]; FD = new int[h];
        Array.Fill(DItem, -1); Array.Fill(FD, -1);
        if (h == 0) return;
        var w1 = new List<int>();
        var f = new List<int>();
        for (int l = 0; l < h; l++)
        {
            int s = batchVars + layers[l].OutVars;
            if (!ks.Tabled(l))
            {
                // a max pool: Y (its A) and the window differences D [B'][C'][H_out'][W_out'][kh'][kw'], a range segment of f
                var (wh, ww) = layers[l].WindowBits;
                AItem[l] = w1.Count; w1.Add(s);
                DItem[l] = w1.Count; w1.Add(s + wh + ww);
                RItem[l] = [];
                FAct[l] = -1; FLimb[l] = [];
                FD[l] = f.Count; f.Add(s + wh + ww);
                continue;
            }
            int k = layers[l].Limbs;
            // (the output layer's A is the public output, not committed)
            if (l < ks.H) { AItem[l] = w1.Count; w1.Add(s); }
            else AItem[l] = -1;
            RItem[l] = new int[k];
            for (int i = 0; i < k; i++) { RItem[l][i] = w1.Count; w1.Add(s); }
            FAct[l] = f.Count; f.Add(s);
            FLimb[l] = new int[k];
            for (int i = 0; i < k; i++) { FLimb[l][i] = f.Count; f.Add(s); }
        }
        int m = ks.TableLayout!.NumVars;
        MultItem = w1.Count; w1.Add(m);
        W1 = new Layout(w1);
        F = new Layout(f);
        // A key with conv or pooling layers puts h_t into h'_w's zero tail [covered, 2^n) when it fits there
        // (docs/protocol.md "Witness" → W2): W2 is then 2^n entries, not 2^(n+1), and the verifier adds h_t's share to
        // the two h_w claims. Dense keys keep h_t after h'_w, byte for byte.
        W2 = layers.Any(l => l.IsSpatial) ? new Layout([F.NumVars, m], 0, F.Covered) : new Layout([F.NumVars, m]);
        HtInFiller = W2.Offset(0) == 0 && W2.Offset(1) < F.Length;
    }

    /// <summary>
    /// True when h_t sits inside h'_w's item of W2 (in its filler tail: a spatial key whose f leaves 2^m aligned entries
    /// free), so that W2 at a point of h'_w's item is h'_w + sel_t·h_t (<see cref="InferenceProver.HtShare"/>).
    /// </summary>
    public bool HtInFiller { get; }

    public int BatchVars { get; }

    public int PaddedBatch => 1 << BatchVars;

    public Layout? W1 { get; }

    public Layout? F { get; }

    /// <summary>Item 0 = h_w, item 1 = h_t.</summary>
    public Layout? W2 { get; }

    /// <summary>W1 item of A_ℓ per tabled layer; −1 for a tabled output layer (its A is public).</summary>
    public int[] AItem { get; }

    public int[][] RItem { get; }

    public int MultItem { get; }

    public int[] FAct { get; }

    public int[][] FLimb { get; }

    /// <summary>W1 item of a max pool's D (−1 for other layers).</summary>
    public int[] DItem { get; }

    /// <summary>f's range segment of a max pool's D (−1 for other layers).</summary>
    public int[] FD { get; }
}

/// <summary>Checks of a conv or pooling layer's key record (docs/protocol.md "Conv and pooling layers").</summary>
internal static class ProofShapes
{
    /// <summary>The largest max-pool window: the zero-check's G = I·Π_w D_w has degree kh·kw + 1 ≤ 7 (<see cref="ZkMl.Proofs.Sumcheck.UniPoly.MaxDegree"/> − 1).</summary>
    public const int MaxPoolWindowLimit = 6;

    /// <summary>
    /// Why spatial layer <paramref name="i"/> (geometry <paramref name="g"/>) does not read its predecessor's output in the
    /// layout the proof reads it in, or null. The proof reads A_{i−1} as [C'][H'][W'] of <paramref name="g"/>'s input; the
    /// executor reads the predecessor's output flattened in its own layout. They agree when the predecessor is a spatial
    /// layer whose output shape is this input shape, or a dense layer whose flat output (c·H + y)·W + x is the padded
    /// index (c·H' + y)·W' + x, i.e. H and W powers of two. Anything else (a Reshape between the layers) is refused: the
    /// proof would be about another function, or read a max pool's unconstrained padding.
    /// </summary>
    internal static string? SpatialInputProblem(int i, Conv2dGeometry? prev, Conv2dGeometry g)
    {
        if (prev is not null)
            return prev.OutC == g.InC && prev.OutH == g.InH && prev.OutW == g.InW ? null
                : $"layer {i} reads [{g.InC}, {g.InH}, {g.InW}] but layer {i - 1} outputs [{prev.OutC}, {prev.OutH}, {prev.OutW}] (a Reshape between conv/pool layers)";
        return (g.InH & (g.InH - 1)) == 0 && (g.InW & (g.InW - 1)) == 0 ? null
            : $"layer {i} reads a dense layer's output as [{g.InC}, {g.InH}, {g.InW}]; after a dense layer the rows and columns must be powers of two";
    }

    /// <summary>Why spatial layer <paramref name="i"/>'s key record is inconsistent or unprovable, or null.</summary>
    public static string? SpatialProblem(LayerKey l, int i, bool hidden, int limbBits)
    {
        var g = l.Geometry;
        if (g is null) return $"layer {i}: a {l.Kind} layer without a geometry";
        if (g.Problem() is { } p) return $"layer {i} geometry: {p}";
        if (!hidden) return $"layer {i}: a {l.Kind} output layer (the output layer must be dense)";
        var (ic, ih, iw) = l.InBits;
        var (oc, oh, ow) = l.OutBits;
        if (l.InVars != ic + ih + iw || l.OutVars != oc + oh + ow) return $"layer {i} dimensions do not match its geometry";
        if (l.InputSize != g.InputSize || l.OutputSize != g.OutputSize) return $"layer {i} sizes do not match its geometry";
        if (l.Kind != LayerKind.Conv && g.InC != g.OutC) return $"pooling layer {i} changes the channel count";
        if (l.Kind == LayerKind.MaxPool && g.Window > MaxPoolWindowLimit) return $"max-pool layer {i}: a {g.KH}×{g.KW} window (at most {MaxPoolWindowLimit} entries are provable)";
        return null;
    }
}

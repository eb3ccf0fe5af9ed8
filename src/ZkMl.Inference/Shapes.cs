namespace ZkMl.Inference;

/// <summary>The layouts fixed by a verifying key: model vector and lookup table (docs/protocol.md "Keys").</summary>
internal sealed class KeyShape
{
    /// <summary>Tag of the range segment.</summary>
    public const int RangeTag = 1;

    /// <summary>Tag of hidden layer ℓ's activation segment.</summary>
    public static int ActTag(int layer) => layer + 2;

    public KeyShape(IReadOnlyList<LayerKey> layers, int limbBits)
    {
        L = layers.Count;
        H = L - 1;
        OutputTabled = layers[^1].Multiplier != 0;
        T = OutputTabled ? L : H;
        var model = new List<int>();
        for (int l = 0; l < L; l++) { model.Add(layers[l].InVars + layers[l].OutVars); model.Add(layers[l].OutVars); }
        if (T >= 1)
        {
            var table = new List<int>();
            for (int l = 0; l < T; l++) table.Add(layers[l].TableVars);
            table.Add(limbBits);
            TableLayout = new Layout(table);
            model.Add(TableLayout.NumVars);
        }
        // Layer 0's weight rows k ≥ InputSize multiply the zero padding of the public input X
        // (the verifier evaluates X̃ with zeros there), so its claims never depend on them: the other
        // model items go there when they fit (docs/protocol.md "Keys").
        ModelLayout = new Layout(model, WeightItem(0), (long)layers[0].InputSize << layers[0].OutVars);
    }

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

    public int RangeItem => T;
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
        if (h == 0) return;
        var w1 = new List<int>();
        var f = new List<int>();
        for (int l = 0; l < h; l++)
        {
            int s = batchVars + layers[l].OutVars;
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
        W2 = new Layout([F.NumVars, m]);
    }

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
}

namespace ZkMl.Inference;

/// <summary>
/// The inference protocol's shared constants, in one place (docs/protocol.md "Transcript"): the
/// transcript domain and the labels of every value the inference proof absorbs or draws. The C#
/// prover and verifier use them, and the Solidity verifier generator writes them into the contract
/// (src/ZkMl.Evm: <c>VerifierTemplates.TranscriptLabels</c>), so a label exists once.
/// </summary>
public static class Protocol
{
    /// <summary>The transcript domain of the (default, non-ZK) inference proof.</summary>
    public const string Domain = "zkml-inference-v1";

    /// <summary>The transcript domain of a zero-knowledge inference proof (docs/zk-design.md §5.8): a proof of one mode never verifies in the other.</summary>
    public const string ZkDomain = "zkml-inference-zk-v1";

    /// <summary>Transcript labels of the inference proof, in transcript order.</summary>
    public static class Labels
    {
        /// <summary>The verifying key's digest.</summary>
        public const string Vk = "vk";
        /// <summary>The public words (batch size, inputs, outputs).</summary>
        public const string Io = "io";
        /// <summary>Commitment to the first witness vector W1.</summary>
        public const string W1 = "w1";
        /// <summary>The LogUp challenge β.</summary>
        public const string Beta = "beta";
        /// <summary>The LogUp challenge α.</summary>
        public const string Alpha = "alpha";
        /// <summary>Commitment to the second witness vector W2.</summary>
        public const string W2 = "w2";
        /// <summary>The column evaluations after the LogUp.</summary>
        public const string Cols = "cols";
        /// <summary>The output point of the last layer.</summary>
        public const string OutR = "out_r";
        /// <summary>A layer's bias evaluation.</summary>
        public const string Bias = "bias";
        /// <summary>The matmul sumchecks' final evaluations.</summary>
        public const string Mm = "mm";
        /// <summary>The challenge that combines the matmul claims.</summary>
        public const string MmLambda = "mm_lambda";
    }

    /// <summary>
    /// Transcript labels of the conv and pooling block (docs/protocol.md "Conv and pooling layers"), after `mm`. Kept apart
    /// from <see cref="Labels"/> because the Solidity verifier does not run that block yet (the generator refuses conv keys).
    /// </summary>
    public static class ConvLabels
    {
        /// <summary>The max pools' MLE values of valid·Y at their D points (before the Phase-2 challenge).</summary>
        public const string MpY = "mp_y";
        /// <summary>The challenge that combines the Phase-2 (conv and pooling) terms.</summary>
        public const string CvLambda = "cv_lambda";
        /// <summary>The Phase-2 terms' input evaluations.</summary>
        public const string Cv = "cv";
        /// <summary>A max pool's zero-check point τ.</summary>
        public const string MpTau = "mp_tau";
        /// <summary>A max pool's window differences at the zero-check's point.</summary>
        public const string Mp = "mp";
    }

    /// <summary>
    /// Transcript labels that only zero-knowledge proofs use (docs/protocol.md "Inference proof" → "ZK mode"); the masked
    /// LogUp's labels are <see cref="ZkMl.Proofs.Lookups.LogUpMaskLabels"/>, the batched opening's its own.
    /// </summary>
    public static class ZkLabels
    {
        /// <summary>The batched opening's mask commitments C_D1 ‖ C_D2, absorbed right after the statement.</summary>
        public const string Masks = "zk_masks";
        /// <summary>Commitment C_3 to W3 = h_in, the input range check's helper (private inputs with the check), right after `w2`.</summary>
        public const string W3 = "w3";
        /// <summary>The high half's commitment of a split W1, W2 or W3 (docs/protocol.md "ZK mode: split opening vectors"), right after its low half's.</summary>
        public const string High = "zk_high";
        /// <summary>The matmul Libra mask's announced sum σ.</summary>
        public const string MatmulMaskSum = "mm_mask_sum";
        /// <summary>The challenge ρ′ that scales the matmul mask.</summary>
        public const string MatmulRho = "mm_rho";
        /// <summary>(Not absorbed: the matmul mask is an item of W2, absorbed earlier.)</summary>
        public const string MatmulMaskCommitment = "mm_mask_com";

        /// <summary>The matmul sumcheck's mask labels.</summary>
        public static ZkMl.Proofs.Sumcheck.LibraLabels MatmulMask { get; } = new(MatmulMaskCommitment, MatmulMaskSum, MatmulRho);
    }
}

using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>Multi-scalar multiplications over G1 used by the commitment code (the project's Pippenger <see cref="Msm"/>).</summary>
internal static class G1Msm
{
    /// <summary>Σ k_i·B_i for field scalars.</summary>
    public static G1Jacobian Compute(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<Fr> scalars) => Msm.Compute(bases, scalars);

    /// <summary>Σ k_i·B_i for small signed integer scalars.</summary>
    public static G1Jacobian ComputeSmall(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<long> scalars) => Msm.ComputeSmall(bases, scalars);
}

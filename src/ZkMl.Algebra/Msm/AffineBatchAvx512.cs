using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ZkMl.Algebra;

/// <summary>
/// The eight-lane AVX-512F part of the limb-form additions that the template does not cover: the loads and stores of the points
/// (each pair of points' coordinates in one zmm vector, then <see cref="Mont29Avx512{TModulus}.Transpose"/>).
/// </summary>
internal static partial class AffineBatchAvx512
{
    /// <summary>
    /// The x and y of the bucket and the pending point of additions k0 … k0 + 7 in limb form (lanes past count repeat addition
    /// k0); <paramref name="yp"/> may be a null reference (not needed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load(Span<G1Affine> bucket, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt, bool pointsByBucket,
        int k0, int count, ref Vector512<ulong> xq, ref Vector512<ulong> yq, ref Vector512<ulong> xp, ref Vector512<ulong> yp)
    {
        // The buckets' and the points' indices of the eight lanes (the padding lanes of a last partial group repeat k0).
        Vector256<int> qi, pi;
        if (k0 + Lanes <= count)
        {
            qi = Vector256.Create(pendIdx.Slice(k0, Lanes));
            pi = pointsByBucket ? qi : Vector256.Create(k0) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        }
        else
        {
            qi = Vector256.Create(pendIdx[k0]);
            pi = Vector256.Create(pointsByBucket ? pendIdx[k0] : k0);
            for (int l = 1; k0 + l < count; l++)
            {
                qi = qi.WithElement(l, pendIdx[k0 + l]);
                pi = pi.WithElement(l, pointsByBucket ? pendIdx[k0 + l] : k0 + l);
            }
        }
        ref var q0 = ref Words(ref bucket[0]);
        ref var p0 = ref Words(ref Unsafe.AsRef(in pendPt[0]));
        ToLimbs(ref q0, qi, 0, ref xq);
        ToLimbs(ref q0, qi, 4, ref yq);
        ToLimbs(ref p0, pi, 0, ref xp);
        if (!Unsafe.IsNullRef(ref yp)) ToLimbs(ref p0, pi, 4, ref yp);
    }

    /// <summary>
    /// The limb form of the eight elements at word offset <paramref name="at"/> (0: x, 4: y) of the points idx[0 … 7] (lanes) of the
    /// array starting at <paramref name="first"/>: two points' coordinates per vector, transposed to limb-major words, cut into
    /// 29-bit limbs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ToLimbs(ref ulong first, Vector256<int> idx, int at, ref Vector512<ulong> r)
    {
        const nuint Stride = 8; // words per G1Affine (indices are below the spans' lengths: pendIdx holds bucket indices, k < count)
        var v0 = Vector512.Create(Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(0) * Stride + (nuint)at), Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(1) * Stride + (nuint)at));
        var v1 = Vector512.Create(Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(2) * Stride + (nuint)at), Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(3) * Stride + (nuint)at));
        var v2 = Vector512.Create(Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(4) * Stride + (nuint)at), Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(5) * Stride + (nuint)at));
        var v3 = Vector512.Create(Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(6) * Stride + (nuint)at), Vector256.LoadUnsafe(ref first, (nuint)(uint)idx.GetElement(7) * Stride + (nuint)at));
        Mont29Avx512<FqBatch.Modulus>.Transpose(v0, v1, v2, v3, out var a0, out var a1, out var a2, out var a3);
        Mont29Avx512<FqBatch.Modulus>.Split29(a0, a1, a2, a3, out r, out Unsafe.Add(ref r, 1), out Unsafe.Add(ref r, 2), out Unsafe.Add(ref r, 3), out Unsafe.Add(ref r, 4),
            out Unsafe.Add(ref r, 5), out Unsafe.Add(ref r, 6), out Unsafe.Add(ref r, 7), out Unsafe.Add(ref r, 8));
    }

    /// <summary>The eight lanes of a normalised limb-form value below 2^256 as elements (their stored limbs, not reduced).</summary>
    private static void ToElements(ref Vector512<ulong> t, Span<Fq> dst)
    {
        Mont29Avx512<FqBatch.Modulus>.Join29(t, Unsafe.Add(ref t, 1), Unsafe.Add(ref t, 2), Unsafe.Add(ref t, 3), Unsafe.Add(ref t, 4), Unsafe.Add(ref t, 5),
            Unsafe.Add(ref t, 6), Unsafe.Add(ref t, 7), Unsafe.Add(ref t, 8), out var w0, out var w1, out var w2, out var w3);
        Mont29Avx512<FqBatch.Modulus>.TransposeBack(w0, w1, w2, w3, out var e0, out var e1, out var e2, out var e3);
        ref ulong d = ref Unsafe.As<Fq, ulong>(ref dst[0]);
        e0.StoreUnsafe(ref d);
        e1.StoreUnsafe(ref d, 8);
        e2.StoreUnsafe(ref d, 16);
        e3.StoreUnsafe(ref d, 24);
    }
}

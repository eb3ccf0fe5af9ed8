using ZkMl.Algebra;
using ZkMl.Proofs.Openings;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// Review (session 23) of the in-place ZkBatchOpening.Reduce: the prover no longer clones the witnesses, so it must read
/// them and never write them (the joint vector, HyperKZG and the caller read them afterwards), for plain and confined masks,
/// vectors with zero tails, vectors with fewer variables than the opening (their single entry is scaled per round) and a
/// vector of no variables; and proving twice from the same witnesses gives proofs that verify.
/// </summary>
public class ZkBatchOpeningReviewTests
{
    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 37)]
    [InlineData(true, 37)]
    [InlineData(true, 2)]
    public void Prove_never_writes_the_witnesses(bool confined, int used)
    {
        int[] others = [9, 8, 5, 0];
        var c = ZkOpeningCase.Make(2300 + used, true, 2, 7, others, used == 0 ? null : g => g switch { 0 => used, 1 => 128, 2 => confined ? 380 : (1 << 9) - 3, 3 => used / 2 + 1, _ => 1 });
        var before = c.Witnesses.Select(w => (Fr[])w.Values.Clone()).ToArray();
        for (int round = 0; round < 2; round++)
        {
            var (mask, proof) = confined ? c.ProveConfined(3 * (1 << 9) / 4 + 5, new SeededRng(round)) : c.Prove(new SeededRng(round));
            for (int g = 0; g < before.Length; g++) Assert.Equal(before[g], c.Witnesses[g].Values);
            Assert.True(c.Verify(mask.Commitments, proof, out var reason), reason);
        }
    }
}

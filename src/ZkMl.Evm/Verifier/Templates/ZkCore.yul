            // ===== ZkMl zero-knowledge verifier core (fixed; docs/protocol.md "ZK mode") ==========
            // Yul functions that a verifier of ZK keys adds to the verifier core (VerifierCore.yul: transcript,
            // field checks, curve operations); default-mode verifiers do not contain them.

            // ---- Libra-masked sumcheck ("Sumcheck → ZK mode"). ms = memory context of 7 words: [0] claim [1] σ [2] Sum label
            // [3] Rho label [4] τ (0 = plain; else a memory pointer to τ_1 … τ_n: zero-check) [5] deg (memory pointer to the
            // n round degrees, 1 ≤ d ≤ 7, from the key, never from the proof) [6] n ≥ 1. The mask's commitment was absorbed
            // earlier (inside W2), so nothing is absorbed for it. Transcript: absorb(sumcheck_claim, claim); absorb(Sum label, σ);
            // ρ′ = challenge(Rho label); running claim e = claim + ρ′σ; per round absorb(sumcheck_round, m_i) then
            // r_i = challenge(sumcheck_r). Round messages: plain m_i = [c0, c2, …, c_d] (c1 = e − 2c0 − c2 − … − c_d),
            // zero-check m_i = [q1, …, q_d] (q0 = e − τ_i·Σ q_k); e ← round polynomial(r_i). Challenges go to pt[0..n).
            // Returns the final e (the caller checks e − ρ′·v_g against its final value and discharges g(r) = v_g), ρ′ and
            // the calldata cursor.
            function maskedSumcheck(ms, cd, pt) -> e, rho, cdOut {
                trAbsorbWord({{label:Sumcheck.Claim}}, mload(ms))
                trAbsorbWord(mload(add(ms, 0x40)), mload(add(ms, 0x20)))
                rho := trChallenge(mload(add(ms, 0x60)))
                e := addmod(mload(ms), mulmod(rho, mload(add(ms, 0x20)), R_MOD), R_MOD)
                cdOut := cd
                let deg := mload(add(ms, 0xa0))
                let tau := mload(add(ms, 0x80))
                for { let end := add(pt, shl(5, mload(add(ms, 0xc0)))) } lt(pt, end) { pt := add(pt, 0x20) } {
                    let len := shl(5, mload(deg))
                    deg := add(deg, 0x20)
                    e := maskedRound(e, cdOut, len, tau, pt)
                    if tau { tau := add(tau, 0x20) }
                    cdOut := add(cdOut, len)
                }
            }

            // One round of maskedSumcheck: the message of len bytes at cd, τ_i at tau (0: plain); writes r_i to pt, returns e(r_i).
            function maskedRound(e, cd, len, tau, pt) -> eOut {
                let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use
                // Σ of the message words (range-checked)
                let s := 0
                for { let k := 0 } lt(k, len) { k := add(k, 0x20) } {
                    let w := calldataload(add(cd, k))
                    if iszero(lt(w, q)) { fail() }
                    s := addmod(s, w, q)
                }
                // trAbsorbCalldata(sumcheck_round, the message) then trChallenge(sumcheck_r), inline (no calls, r on the stack)
                let r := mload(0x40)
                mstore(r, mload(0x00))
                mstore(add(r, 0x20), {{label:Sumcheck.Round}})
                calldatacopy(add(r, 0x40), cd, len)
                mstore(0x00, keccak256(r, add(len, 0x40)))
                mstore(0x20, {{label:Sumcheck.Challenge}})
                r := keccak256(0x00, 0x40)
                mstore(0x00, r)
                r := mod(r, q)
                mstore(pt, r)
                // Horner over the message's words 1 … d−1: acc = w_1 + w_2·r + … + w_{d−1}·r^{d−2} (0 for d = 1)
                let acc := 0
                for { let k := len } gt(k, 0x20) { } {
                    k := sub(k, 0x20)
                    acc := addmod(mulmod(acc, r, q), calldataload(add(cd, k)), q)
                }
                switch tau
                case 0 {
                    // plain: the words are c0, c2 … c_d, so acc = c2 + c3·r + …; c1 = e − c0 − s
                    let c0 := calldataload(cd)
                    let c1 := addmod(e, sub(q, addmod(s, c0, q)), q)
                    eOut := addmod(c0, mulmod(r, addmod(c1, mulmod(r, acc, q), q), q), q)
                }
                default {
                    // zero-check: the words are q1 … q_d, so acc = q2 + q3·r + …; q(r) = q0 + r·(q1 + r·acc)
                    let q0 := addmod(e, sub(q, mulmod(mload(tau), s, q)), q)
                    eOut := addmod(q0, mulmod(r, addmod(calldataload(cd), mulmod(r, acc, q), q), q), q)
                }
            }

            // ---- hiding HyperKZG ("HyperKZG → ZK mode") of a claim (C, x, y) on a hiding commitment C = [P(τ)]₁ + s·H, with
            // the blinding base H = (hx, hy) (a point of the key, checked at generation: on the curve, not infinity).
            // hk as hyperKzg. Proof at cd = the HyperKZG proof (none for ℓ = 0) ‖ s_B. ℓ = 0: absorb(hyperkzg/sb, s_B), accept
            // iff C = y·G + s_B·H. ℓ ≥ 1: as hyperKzg, with absorb(hyperkzg/sb, s_B) between W and ζ, and
            // F = (C − s_B·H) + Σ_{i≥1} q^i·C_i − I(ζ)·G − Z(ζ)·W + ζ·W' (the opened commitment enters F with coefficient 1,
            // so taking s_B·H off it is the MSM term −s_B·H). Overwrites hk's C with C − s_B·H. (The top of this function
            // repeats hyperKzg's: that one is part of every default-mode verifier, whose bytes stay fixed.)
            function hyperKzgHiding(hk, hx, hy, cd) -> cdOut {
                let l := mload(add(hk, 0x60))
                let sbAt := cd
                if l { sbAt := add(cd, hkLength(l)) }
                let sB := frAt(sbAt)
                cdOut := add(sbAt, 0x20)
                if iszero(l) {
                    trAbsorbWord({{label:HyperKzg.BlindingSum}}, sB)
                    let gx, gy := ecMul(1, 2, mload(add(hk, 0x40)))
                    gx, gy := ecMulAdd(gx, gy, hx, hy, sB)
                    if iszero(and(eq(gx, mload(hk)), eq(gy, mload(add(hk, 0x20))))) { fail() }
                    leave
                }
                let w := hkHidingTranscript(hk, cd, sbAt, sB)
                let cx, cy := ecMulAdd(mload(hk), mload(add(hk, 0x20)), hx, hy, frNeg(sB))
                mstore(hk, cx)
                mstore(add(hk, 0x20), cy)
                hkPairing(hk, cd, w, add(w, 0x80))
            }

            // hyperKzg's checks and transcript for ℓ ≥ 1, with absorb(hyperkzg/sb, s_B) between W and ζ: fills hk[6 … 11]
            // and returns the calldata offset of W (the proof starts at cd, s_B is at sbAt).
            function hkHidingTranscript(hk, cd, sbAt, sB) -> w {
                let l := mload(add(hk, 0x60))
                let opened := div(add(l, 2), 3)
                let kLast := 0
                if gt(opened, 1) {
                    opened := sub(opened, 1)
                    kLast := shl(sub(l, mul(3, opened)), 1)
                }
                mstore(add(hk, 0x120), opened)
                mstore(add(hk, 0x160), kLast)
                w := add(cd, shl(6, sub(opened, 1)))
                let v := add(w, 0x80)
                let nv := add(shl(3, opened), 1)
                for { let p := cd } lt(p, v) { p := add(p, 0x40) } { g1Check(p) }
                // every value < r (frAt's check, with r on the stack and no call per value)
                for { let p := v let q := R_MOD } lt(p, sbAt) { p := add(p, 0x20) } { if iszero(lt(calldataload(p), q)) { fail() } }
                trAbsorbCalldata({{label:HyperKzg.Folds}}, cd, shl(6, sub(opened, 1)))
                if kLast { trAbsorbCalldata({{label:HyperKzg.Last}}, add(v, shl(5, nv)), shl(5, kLast)) }
                let r := trChallenge({{label:HyperKzg.R}})
                let r8 := mulmod(r, r, R_MOD)
                r8 := mulmod(r8, r8, R_MOD)
                r8 := mulmod(r8, r8, R_MOD)
                // the nine points ω^j·r (j < 8), r^8 must be distinct: r ≠ 0 and r^56 ≠ 1
                let r16 := mulmod(r8, r8, R_MOD)
                if or(iszero(r), eq(mulmod(mulmod(r16, r16, R_MOD), mulmod(r16, r8, R_MOD), R_MOD), 1)) { fail() }
                mstore(add(hk, 0xc0), r)
                mstore(add(hk, 0x140), r8)
                trAbsorbCalldata({{label:HyperKzg.V}}, v, shl(5, nv))
                mstore(add(hk, 0xe0), trChallenge({{label:HyperKzg.Q}}))
                trAbsorbCalldata({{label:HyperKzg.W}}, w, 0x40)
                trAbsorbWord({{label:HyperKzg.BlindingSum}}, sB)
                mstore(add(hk, 0x100), trChallenge({{label:HyperKzg.Zeta}}))
                trAbsorbCalldata({{label:HyperKzg.W2}}, add(w, 0x40), 0x40)
            }

            // ---- the zero-knowledge batched opening ("Batched openings → ZK mode"), in the inference form: the statement is
            // NOT absorbed (the caller's transcript already holds every commitment, claim and C_D1, C_D2). ob = memory context:
            // [0] vecs: per vector g 4 words (C_g.x, C_g.y, n_g, scratch K_g) [1] G = number of vectors [2] terms: per term 8
            // words (claim i, vector g, κ, kind (0 eq(z, ·), 1 the Libra weights at p, 3 the constant 1), data pointer (z: n_g − k words; p:
            // the mask's rows), rows (Libra), k, j: the weight lives on the aligned block j of 2^{n_g − k} entries, k = 0 for
            // the whole vector; kind 2: a mask-region item, see zkRegionEq) [3] number of terms [4] the claim values y_i [5] m =
            // number of claims [6] N = max n_g ≥ 4 [7] C_D1 ‖ C_D2 (4 words) [8] H.x [9] H.y [10] g2 ([1]₂ ‖ [τ]₂) [11] the mask
            // region: 0 (no kind-2 terms) or a memory pointer to 3 words (vector g_R, v_R ≥ 1 region variables, j_R: the region
            // is the aligned block j_R of 2^{v_R} entries of g_R). Proof at cd = σ_o ‖ N×(c0, c2) ‖ h ‖ the hiding
            // HyperKZG of N variables. Transcript: absorb(open_mask_sum, σ_o); ρ′ = challenge(open_rho); ρ = challenge(batch/rho);
            // the degree-2 sumcheck of Σ_i ρ^i·y_i + ρ′·σ_o (challenge c_b binds index bit b); then the hiding HyperKZG (its claim
            // absorbed: hyperkzg/C, /x, /y) of C′ = C_0 + Σ_{g≥1} h·K_g·C_g + h·ρ′·C_D1 + h·ρ′·eq0·C_D2 at (c_{N−1} … c_0) to h·e, where
            // K_g = Σ_{t on g} ρ^{i(t)}·κ_t·w̃_t(r_g)·Π_{n_g ≤ b < N}(1 − c_b), eq0 = Π_b (1 − c_b), and the hint h must satisfy
            // h·K_0 = 1. Fails on any check; returns the calldata cursor.
            function zkBatchOpen(ob, cd) -> cdOut {
                let hk := alloc(0x180)
                let c := zkOpenReduce(ob, hk, cd)
                hkAbsorbClaim(hk) // (the ZK opening's HyperKZG binds its joint claim, unlike the default batched opening's)
                cdOut := hyperKzgHiding(hk, mload(add(ob, 0x100)), mload(add(ob, 0x120)), c)
            }

            // Everything before the hiding HyperKZG: σ_o, ρ′, ρ, the sumcheck, the hint check; fills hk with the joint claim
            // (C′, h·e, N, the challenges as xb, g2) and returns the calldata offset of the HyperKZG proof.
            function zkOpenReduce(ob, hk, cd) -> c {
                let sigma := frAt(cd)
                trAbsorbWord({{label:ZkOpen.MaskSum}}, sigma)
                let rhoP := trChallenge({{label:ZkOpen.RhoPrime}})
                let rp, claim := zkClaimSum(ob, trChallenge({{label:ZkOpen.Rho}}))
                let ch := alloc(shl(5, mload(add(ob, 0xc0))))
                let e := 0
                e, c := zkSumcheck2(addmod(claim, mulmod(rhoP, sigma, R_MOD), R_MOD), mload(add(ob, 0xc0)), add(cd, 0x20), ch)
                let hint := frAt(c)
                c := add(c, 0x20)
                zkJointClaim(ob, hk, hint, rhoP, zkCoefficients(ob, rp, ch))
                mstore(add(hk, 0x40), mulmod(e, hint, R_MOD))
                mstore(add(hk, 0x60), mload(add(ob, 0xc0)))
                mstore(add(hk, 0x80), ch)
                mstore(add(hk, 0xa0), mload(add(ob, 0x140)))
            }

            // The core's sumcheck2 (same messages, transcript and result) with the modulus on the stack: the optimizer (200 runs)
            // would load the constant from code at each of its uses in every round (the core's own stays as it is for the
            // default-mode verifiers).
            function zkSumcheck2(e, n, cd, pt) -> eOut, cdOut {
                let q := R_MOD
                trAbsorbWord({{label:Sumcheck.Claim}}, e)
                eOut := e
                let fmp := mload(0x40)
                let last := add(cd, shl(6, n))
                for { } lt(cd, last) { cd := add(cd, 0x40) } {
                    let c0 := calldataload(cd)
                    let c2 := calldataload(add(cd, 0x20))
                    if iszero(and(lt(c0, q), lt(c2, q))) { fail() }
                    // r = absorb-challenge(sumcheck_round, c0 ‖ c2) in the scratch words 0x00–0x7f (as sumcheck2)
                    mstore(0x20, {{label:Sumcheck.Round}})
                    mstore(0x40, c0)
                    mstore(0x60, c2)
                    let s := keccak256(0x00, 0x80)
                    mstore(0x00, s)
                    let r := mod(s, q)
                    mstore(pt, r)
                    pt := add(pt, 0x20)
                    // c1 = e − 2c0 − c2; e ← c0 + r(c1 + r·c2)
                    let c1 := addmod(eOut, sub(q, addmod(addmod(c0, c0, q), c2, q)), q)
                    eOut := addmod(c0, mulmod(r, addmod(c1, mulmod(r, c2, q), q), q), q)
                }
                mstore(0x40, fmp)
                mstore(0x60, 0)
                cdOut := cd
            }

            // h·K_0 = 1 (which also rejects K_0 = 0), then hk's C ← C′
            function zkJointClaim(ob, hk, hint, rhoP, eq0) {
                if iszero(eq(mulmod(hint, mload(add(mload(ob), 0x60)), R_MOD), 1)) { fail() }
                let m1 := mulmod(hint, rhoP, R_MOD)
                zkJointCommitment(ob, hk, hint, m1, mulmod(m1, eq0, R_MOD))
            }

            // ρ^0 … ρ^{m−1} (a new table) and Σ_i ρ^i·y_i
            function zkClaimSum(ob, rho) -> rp, claim {
                let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use
                let m := mload(add(ob, 0xa0))
                let ys := mload(add(ob, 0x80))
                rp := alloc(shl(5, m))
                let pw := 1
                for { let i := 0 } lt(i, m) { i := add(i, 1) } {
                    mstore(add(rp, shl(5, i)), pw)
                    claim := addmod(claim, mulmod(pw, mload(add(ys, shl(5, i))), q), q)
                    pw := mulmod(pw, rho, q)
                }
            }

            // K_g into the vectors' scratch words; returns eq0 = Π_{b<N}(1 − c_b). r_g (project order) = (c_{n_g−1} … c_0) =
            // the last n_g words of the reversed challenges.
            function zkCoefficients(ob, rp, ch) -> eq0 {
                let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use
                let nMax := mload(add(ob, 0xc0))
                let rev := alloc(shl(5, nMax))
                // lag[n] = Π_{n ≤ b < N}(1 − c_b), n = 0 … N
                let lag := alloc(shl(5, add(nMax, 1)))
                mstore(add(lag, shl(5, nMax)), 1)
                for { let b := nMax } b { } {
                    b := sub(b, 1)
                    let c := mload(add(ch, shl(5, b)))
                    mstore(add(rev, shl(5, sub(sub(nMax, 1), b))), c)
                    mstore(add(lag, shl(5, b)), mulmod(mload(add(lag, shl(5, add(b, 1)))), addmod(1, sub(q, c), q), q))
                }
                eq0 := mload(lag)
                let vecs := mload(ob)
                let vend := add(vecs, shl(7, mload(add(ob, 0x20))))
                for { let v := vecs } lt(v, vend) { v := add(v, 0x80) } { mstore(add(v, 0x60), 0) }
                zkTermWeights(ob, rp, rev)
                for { let v := vecs } lt(v, vend) { v := add(v, 0x80) } {
                    mstore(add(v, 0x60), mulmod(mload(add(v, 0x60)), mload(add(lag, shl(5, mload(add(v, 0x40))))), q))
                }
            }

            // Σ_{t on g} ρ^{i(t)}·κ_t·w̃_t(r_g) into each vector's scratch word (zeroed by the caller); rev = the reversed challenges.
            // A kind-0 term's inner factor eq(z, ·) at r_g's last n − k coordinates depends only on (z, n − k) (vectors of the same
            // size share r_g): consecutive kind-0 terms with the same point and length (the model parts of one claim, a layer's
            // A and R columns) compute it once (cache: 3 words, z, n − k, the factor).
            function zkTermWeights(ob, rp, rev) {
                let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use
                let reg := zkRegionWeights(ob, rev)
                rev := add(rev, shl(5, mload(add(ob, 0xc0)))) // the end of the reversed challenges: r_g = its last n_g words
                let vecs := mload(ob)
                let cache := alloc(0x60)
                mstore(cache, 0) // no point yet
                let terms := mload(add(ob, 0x40))
                for { let t := terms } lt(t, add(terms, shl(8, mload(add(ob, 0x60))))) { t := add(t, 0x100) } {
                    let v := add(vecs, shl(7, mload(add(t, 0x20))))
                    let n := mload(add(v, 0x40))
                    let w := zkWeight(t, sub(rev, shl(5, n)), n, reg, cache)
                    w := mulmod(w, mulmod(mload(add(rp, shl(5, mload(t)))), mload(add(t, 0x40)), q), q)
                    mstore(add(v, 0x60), addmod(mload(add(v, 0x60)), w, q))
                }
            }

            // The mask region's weights, once: 0 without a region, else a pointer to [its block selector at r_{g_R}, the eq
            // table of its first v_R − 1 inner coordinates]
            function zkRegionWeights(ob, rev) -> reg {
                let r := mload(add(ob, 0x160))
                if iszero(r) { leave }
                let rv := mload(add(r, 0x20))
                let n := mload(add(add(mload(ob), shl(7, mload(r))), 0x40))
                let rg := add(rev, shl(5, sub(mload(add(ob, 0xc0)), n)))
                reg := alloc(0x40)
                mstore(reg, zkSelector(rg, sub(n, rv), mload(add(r, 0x40))))
                mstore(add(reg, 0x20), zkEqTable(add(rg, shl(5, sub(n, rv))), sub(rv, 1)))
            }

            // The MLE of term t's weight at the point rg of n coordinates: eq(rg_top, bits of j) (k block bits) times the
            // inner weight at the rest: kind 0 eq(z, ·) (through cache, see zkTermWeights), kind 1 the Libra weights, kind 3 the
            // constant 1 (a sum over the block: the caller folds 2^{−(n−k)} = eq(½…½, ·) into κ); a kind-2 term from the mask
            // region's selector and table reg (zkRegionWeights, zkRegionEq).
            function zkWeight(t, rg, n, reg, cache) -> w {
                let k := mload(add(t, 0xc0))
                let kind := mload(add(t, 0x60))
                if eq(kind, 2) {
                    w := mulmod(mload(reg), zkRegionEq(mload(add(reg, 0x20)), mload(add(t, 0xe0)), mload(add(t, 0x80)), sub(n, k), mload(add(rg, shl(5, sub(n, 1))))), R_MOD)
                    leave
                }
                // {{zk:split-ext}} (the generator's split-vector half of a whole-vector term, or nothing: SolidityVerifierGenerator.ZkMain)
                w := 1 // the block selector (none for a term on the whole vector, k = 0)
                if k { w := zkSelector(rg, k, mload(add(t, 0xe0))) }
                let z := add(rg, shl(5, k))
                switch kind
                case 0 {
                    let p := mload(add(t, 0x80))
                    let len := sub(n, k)
                    if iszero(and(eq(p, mload(cache)), eq(len, mload(add(cache, 0x20))))) {
                        mstore(cache, p)
                        mstore(add(cache, 0x20), len)
                        mstore(add(cache, 0x40), zkEqAt(p, z, len))
                    }
                    w := mulmod(w, mload(add(cache, 0x40)), R_MOD)
                }
                case 1 { w := mulmod(w, zkLibraWeight(mload(add(t, 0x80)), mload(add(t, 0xa0)), z, sub(n, k)), R_MOD) }
                // {{zk:extra-kinds}} (the generator's kind-4 case, or nothing: SolidityVerifierGenerator.ZkMain)
            }

            // A kind-2 term: the weight eq(z, ·) (d ≥ 1 coordinates) on the item j of 2^d entries of the mask region, i.e.
            // eq(z, ·) on the aligned block (j_R·2^{v_R − d} + j) of 2^d entries of g_R, without the region's selector. With
            // rtab[i] = eq(r_in, bits(i)) over the region's first v_R − 1 inner coordinates r_in and s over {0,1}^{d−1}:
            // eq(r_in, bits(j)‖z_head) = Σ_s rtab[j·2^{d−1} + s]·eq(z_head, s) (eq is multilinear in z_head), times
            // eq(z_{d−1}, r_last): 2^{d−1} table words instead of the v_R − d selector factors of a kind-0 block term.
            function zkRegionEq(rtab, j, z, d, rlast) -> e {
                let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use
                let h := sub(d, 1)
                if iszero(h) {
                    // d = 1 (a μ item): rtab[j]·eq(z_0, r_last)
                    let x := mload(z)
                    let xy := mulmod(x, rlast, q)
                    e := mulmod(mload(add(rtab, shl(5, j))), addmod(addmod(1, sub(q, addmod(x, rlast, q)), q), addmod(xy, xy, q), q), q)
                    leave
                }
                let base := add(rtab, shl(5, shl(h, j)))
                switch h
                case 1 {
                    // d = 2 (a ν item): rtab[2j]·(1 − z_0) + rtab[2j + 1]·z_0
                    let lo := mload(base)
                    e := addmod(lo, mulmod(mload(z), add(sub(q, lo), mload(add(base, 0x20))), q), q)
                }
                default {
                    let ez := zkEqTable(z, h)
                    for { let s := 0 } lt(s, shl(h, 1)) { s := add(s, 1) } {
                        e := addmod(e, mulmod(mload(add(base, shl(5, s))), mload(add(ez, shl(5, s))), q), q)
                    }
                }
                let x := mload(add(z, shl(5, h)))
                let xy := mulmod(x, rlast, q)
                // 1 − x − y + 2xy
                e := mulmod(e, addmod(addmod(1, sub(q, addmod(x, rlast, q)), q), addmod(xy, xy, q), q), q)
            }

            // eq(a, b) = Π_j (a_j·b_j + (1 − a_j)(1 − b_j)) over n coordinates (memory)
            function zkEqAt(a, b, n) -> e {
                let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use
                let q21 := add(add(q, q), 1)
                e := 1
                let end := add(a, shl(5, n))
                // 1 − x − y + 2xy ≡ x·2y + (2r + 1 − x − y) (x, y < r: no underflow, every sum < 2^256); two coordinates a step
                if and(n, 1) {
                    let x := mload(a)
                    let y := mload(b)
                    e := addmod(mulmod(x, add(y, y), q), sub(q21, add(x, y)), q)
                    a := add(a, 0x20)
                    b := add(b, 0x20)
                }
                for { } lt(a, end) { a := add(a, 0x40) } {
                    let x := mload(a)
                    let y := mload(b)
                    let f := addmod(mulmod(x, add(y, y), q), sub(q21, add(x, y)), q)
                    x := mload(add(a, 0x20))
                    y := mload(add(b, 0x20))
                    b := add(b, 0x40)
                    e := mulmod(e, mulmod(f, addmod(mulmod(x, add(y, y), q), sub(q21, add(x, y)), q), q), q)
                }
            }

            // LibraMask.WeightMle: the MLE at z (vars coordinates, vars − 3 = ⌈log₂ rows⌉) of the weights u[8k + t] = p_k^t of a
            // Libra mask table with rows k < rows at p: Σ_k eq(z_hi, k)·Σ_{t<8} eq(z_lo, t)·p_k^t, |z_lo| = 3. The inner sum
            // factors over the bits of t (z_lo,0 weighs bit 2 of t): Σ_t eq(z_lo, t)·p^t = Π_{i<3} (1 − z_lo,i + z_lo,i·p^(2^(2−i))),
            // and eq(z_hi, k) is one table over z_hi (rows ≤ 2^(vars − 3)).
            function zkLibraWeight(p, rows, z, vars) -> acc {
                let q := R_MOD // on the stack: the optimizer (200 runs) would load the constant from code at every use
                let hiVars := sub(vars, 3)
                let eqHi := zkEqTable(z, hiVars)
                let zl := add(z, shl(5, hiVars))
                let a4 := mload(zl)
                let a2 := mload(add(zl, 0x20))
                let a1 := mload(add(zl, 0x40))
                let qm1 := sub(q, 1)
                for { let end := add(p, shl(5, rows)) } lt(p, end) { p := add(p, 0x20) } {
                    let x := mload(p)
                    // 1 + a·(y − 1) for y = x, x², x⁴ (y + r − 1 < 2^255: mulmod reduces it)
                    let f := addmod(1, mulmod(a1, add(x, qm1), q), q)
                    x := mulmod(x, x, q)
                    f := mulmod(f, addmod(1, mulmod(a2, add(x, qm1), q), q), q)
                    x := mulmod(x, x, q)
                    f := mulmod(f, addmod(1, mulmod(a4, add(x, qm1), q), q), q)
                    acc := addmod(acc, mulmod(mload(eqHi), f, q), q)
                    eqHi := add(eqHi, 0x20)
                }
            }

            // hk's C ← C_0 + Σ_{g≥1} h·K_g·C_g + m1·C_D1 + m2·C_D2 (C_0 enters with coefficient h·K_0 = 1, checked)
            function zkJointCommitment(ob, hk, hint, m1, m2) {
                let vecs := mload(ob)
                let lx := mload(vecs)
                let ly := mload(add(vecs, 0x20))
                for { let v := add(vecs, 0x80) } lt(v, add(vecs, shl(7, mload(add(ob, 0x20))))) { v := add(v, 0x80) } {
                    lx, ly := ecMulAdd(lx, ly, mload(v), mload(add(v, 0x20)), mulmod(hint, mload(add(v, 0x60)), R_MOD))
                }
                let d := mload(add(ob, 0xe0))
                lx, ly := ecMulAdd(lx, ly, mload(d), mload(add(d, 0x20)), m1)
                lx, ly := ecMulAdd(lx, ly, mload(add(d, 0x40)), mload(add(d, 0x60)), m2)
                mstore(hk, lx)
                mstore(add(hk, 0x20), ly)
            }

            // ---- the masked LogUp ("LogUp → ZK mode"). lc = memory context: [0] α [1] n [2] m [3] deg (the N = max(n, m) ≥ 1
            // round degrees, from the key) [4] ptW (r_w out, n words) [5] ptT (r_t out, m words) [6] pt (the full point out,
            // N words) [7] out (6 words: ĥ_w, f̂, ĥ_t, t̂, m̂, v_g). Proof at cd = σ ‖ rounds ‖ ĥ_w(r_w) ‖ f̂(r_w) ‖ ĥ_t(r_t) ‖ t̂(r_t) ‖
            // m̂(r_t) ‖ v_g. Transcript: λ = challenge(logup_lambda); τ = N challenges logup_tau; the masked zero-check of claim 0
            // (labels logup_mask_sum, logup_rho; the mask's commitment was absorbed inside W2); check
            // ĥ_t(α − t̂) − m̂ + λ·(ĥ_w(α − f̂) − 1) = e − ρ′·v_g; absorb(logup_evals, the five values ‖ v_g). The caller discharges
            // the five claims, the sum relation and g(r) = v_g. Returns the calldata cursor.
            function zkLogUp(lc, cd) -> cdOut {
                let lambda := trChallenge({{label:LogUp.Lambda}})
                let nn := mload(add(lc, 0x20))
                if gt(mload(add(lc, 0x40)), nn) { nn := mload(add(lc, 0x40)) }
                let ms := alloc(0xe0)
                let tau := alloc(shl(5, nn))
                zkChallenges({{label:LogUp.Tau}}, tau, nn)
                mstore(ms, 0)
                mstore(add(ms, 0x20), frAt(cd))
                mstore(add(ms, 0x40), {{label:LogUpMask.Sum}})
                mstore(add(ms, 0x60), {{label:LogUpMask.Rho}})
                mstore(add(ms, 0x80), tau)
                mstore(add(ms, 0xa0), mload(add(lc, 0x60)))
                mstore(add(ms, 0xc0), nn)
                let pt := mload(add(lc, 0xc0))
                let e, rho, c := maskedSumcheck(ms, add(cd, 0x20), pt)
                let out := mload(add(lc, 0xe0))
                let vg := frAt(add(c, 0xa0))
                mstore(add(out, 0xa0), vg)
                logUpFinal(mload(lc), lambda, frSub(e, mulmod(rho, vg, R_MOD)), c, out)
                trAbsorbCalldata({{label:LogUp.Evals}}, c, 0xc0)
                mcopy(mload(add(lc, 0x80)), add(pt, shl(5, sub(nn, mload(add(lc, 0x20))))), shl(5, mload(add(lc, 0x20))))
                mcopy(mload(add(lc, 0xa0)), add(pt, shl(5, sub(nn, mload(add(lc, 0x40))))), shl(5, mload(add(lc, 0x40))))
                cdOut := add(c, 0xc0)
            }

            // The local index Σ_i x_i·2^i of a point's last coordinates (x_0 = the last) extended from v (the index over the
            // last `from` coordinates) to the last `to` ones: v + Σ_{from ≤ i < to} x_i·2^i mod r, end = the point's end
            // (to ≤ 255). The table segments of t̂ are suffixes of r_t, so each one's index extends the next shorter one's.
            function zkIndexExtend(end, from, to, v) -> w {
                let q := R_MOD
                w := v
                for { let i := from } lt(i, to) { i := add(i, 1) } {
                    w := addmod(w, mulmod(mload(sub(end, shl(5, add(i, 1)))), shl(i, 1), q), q)
                }
            }

            // The core's frRange (every word of n at p < r) with r on the stack and no frAt call per word
            function zkFrRange(p, n) {
                let q := R_MOD
                for { let e := add(p, shl(5, n)) } lt(p, e) { p := add(p, 0x20) } { if iszero(lt(calldataload(p), q)) { fail() } }
            }

            // n challenges of one label into memory at p: trChallenge n times (the label stays in the scratch word 0x20), with
            // r on the stack and no call per challenge
            function zkChallenges(label, p, n) {
                let q := R_MOD
                mstore(0x20, label)
                for { let end := add(p, shl(5, n)) } lt(p, end) { p := add(p, 0x20) } {
                    let s := keccak256(0x00, 0x40)
                    mstore(0x00, s)
                    mstore(p, mod(s, q))
                }
            }

            // ---- the core's selector and eqTable with the modulus on the stack (the core's own stay byte for byte as they are
            // in default-mode verifiers; these are the ZK verifiers' hot loops)
            // eq(pt[0..k), bits of idx) (pt[k − 1] weighs bit 0), from the last coordinate back to the first, two a step and
            // without branches: a coordinate's factor x (bit 1) or 1 − x ≡ r + 1 − x (bit 0) is x + (r + 1 − 2x) mod 2^256 times
            // the bit's complement (x < r: the sum is x or r + 1 − x ≤ r + 1 < 2^256, which mulmod reduces)
            function zkSelector(pt, k, idx) -> s {
                let q := R_MOD
                let q1 := add(q, 1)
                s := 1
                let p := add(pt, shl(5, k))
                if and(k, 1) {
                    p := sub(p, 0x20)
                    let x := mload(p)
                    s := mod(add(x, mul(iszero(and(idx, 1)), sub(q1, add(x, x)))), q)
                    idx := shr(1, idx)
                }
                for { } gt(p, pt) { idx := shr(2, idx) } {
                    p := sub(p, 0x40)
                    let x := mload(add(p, 0x20))
                    let f := add(x, mul(iszero(and(idx, 1)), sub(q1, add(x, x))))
                    x := mload(p)
                    s := mulmod(s, mulmod(f, add(x, mul(iszero(and(idx, 2)), sub(q1, add(x, x)))), q), q)
                }
            }

            function zkEqTable(pt, k) -> t {
                let q := R_MOD
                t := alloc(shl(5, shl(k, 1)))
                mstore(t, 1)
                let top := add(t, 0x20) // end of the filled part
                for { let end := add(pt, shl(5, k)) } lt(pt, end) { pt := add(pt, 0x20) } {
                    let r := mload(pt)
                    let dst := add(t, shl(1, sub(top, t)))
                    top := dst
                    for { let src := sub(dst, shr(1, sub(dst, t))) } gt(src, t) { } {
                        src := sub(src, 0x20)
                        dst := sub(dst, 0x40)
                        let v := mload(src)
                        let hi := mulmod(v, r, q)
                        mstore(add(dst, 0x20), hi)
                        mstore(dst, addmod(v, sub(q, hi), q))
                    }
                }
            }

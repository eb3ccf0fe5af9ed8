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
                // Σ of the message words (range-checked)
                let s := 0
                for { let k := 0 } lt(k, len) { k := add(k, 0x20) } { s := addmod(s, frAt(add(cd, k)), R_MOD) }
                trAbsorbCalldata({{label:Sumcheck.Round}}, cd, len)
                let r := trChallenge({{label:Sumcheck.Challenge}})
                mstore(pt, r)
                // Horner over the message's words 1 … d−1: acc = w_1 + w_2·r + … + w_{d−1}·r^{d−2} (0 for d = 1)
                let acc := 0
                for { let k := len } gt(k, 0x20) { } {
                    k := sub(k, 0x20)
                    acc := addmod(mulmod(acc, r, R_MOD), calldataload(add(cd, k)), R_MOD)
                }
                switch tau
                case 0 {
                    // plain: the words are c0, c2 … c_d, so acc = c2 + c3·r + …; c1 = e − c0 − s
                    let c0 := calldataload(cd)
                    let c1 := addmod(e, sub(R_MOD, addmod(s, c0, R_MOD)), R_MOD)
                    eOut := addmod(c0, mulmod(r, addmod(c1, mulmod(r, acc, R_MOD), R_MOD), R_MOD), R_MOD)
                }
                default {
                    // zero-check: the words are q1 … q_d, so acc = q2 + q3·r + …; q(r) = q0 + r·(q1 + r·acc)
                    let q0 := addmod(e, sub(R_MOD, mulmod(mload(tau), s, R_MOD)), R_MOD)
                    eOut := addmod(q0, mulmod(r, addmod(calldataload(cd), mulmod(r, acc, R_MOD), R_MOD), R_MOD), R_MOD)
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
                for { let p := v } lt(p, sbAt) { p := add(p, 0x20) } { pop(frAt(p)) }
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

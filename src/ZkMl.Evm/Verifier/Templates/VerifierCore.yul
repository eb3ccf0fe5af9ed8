            // ===== ZkMl verifier core (fixed; docs/protocol.md) =====================================
            // Yul functions shared by every generated verifier and by the test harness. Memory:
            // word 0x00 = transcript state s, 0x20 = label scratch, 0x40 = bump pointer (never
            // freed). Scratch data beyond the bump pointer is overwritten freely, so every
            // allocation is written before it is read. The sumcheck loops hash the scratch words
            // 0x00–0x7f directly and restore 0x40 (bump pointer) and 0x60 (zero slot) after the loop. R_MOD / P_MOD are the BN254 scalar / base
            // field moduli (Solidity constants of the enclosing contract).

            // Rejection: returns ABI `false` (one zero word) from the external call right here.
            function fail() {
                mstore(0x00, 0)
                return(0x00, 0x20)
            }

            function alloc(size) -> p {
                p := mload(0x40)
                mstore(0x40, add(p, size))
            }

            // ---- transcript ("Transcript": s = keccak(s ‖ label32 ‖ data); challenge = keccak(s ‖ label32) mod r)
            function trChallenge(label) -> c {
                mstore(0x20, label)
                let s := keccak256(0x00, 0x40)
                mstore(0x00, s)
                c := mod(s, R_MOD)
            }

            function trAbsorbCalldata(label, src, len) {
                let p := mload(0x40)
                mstore(p, mload(0x00))
                mstore(add(p, 0x20), label)
                calldatacopy(add(p, 0x40), src, len)
                mstore(0x00, keccak256(p, add(len, 0x40)))
            }

            function trAbsorbMemory(label, src, len) {
                let p := mload(0x40)
                mstore(p, mload(0x00))
                mstore(add(p, 0x20), label)
                mcopy(add(p, 0x40), src, len)
                mstore(0x00, keccak256(p, add(len, 0x40)))
            }

            function trAbsorbWord(label, w) {
                let p := mload(0x40)
                mstore(p, mload(0x00))
                mstore(add(p, 0x20), label)
                mstore(add(p, 0x40), w)
                mstore(0x00, keccak256(p, 0x60))
            }

            // ---- decoding: every field element < r, every point on the curve with coordinates < p
            function frAt(cd) -> v {
                v := calldataload(cd)
                if iszero(lt(v, R_MOD)) { fail() }
            }

            // G1 x‖y at calldata cd: coordinates < p and y² = x³ + 3, or (0, 0) = infinity.
            function g1Check(cd) {
                let x := calldataload(cd)
                let y := calldataload(add(cd, 0x20))
                if iszero(and(lt(x, P_MOD), lt(y, P_MOD))) { fail() }
                if iszero(or(x, y)) { leave }
                if iszero(eq(mulmod(y, y, P_MOD), addmod(mulmod(x, mulmod(x, x, P_MOD), P_MOD), 3, P_MOD))) { fail() }
            }

            // every one of the n words at calldata p is < r
            function frRange(p, n) {
                for { let e := add(p, shl(5, n)) } lt(p, e) { p := add(p, 0x20) } { if iszero(lt(calldataload(p), R_MOD)) { fail() } }
            }

            // ---- field helpers
            function frNeg(a) -> b { b := mod(sub(R_MOD, a), R_MOD) }

            function frSub(a, b) -> c { c := addmod(a, sub(R_MOD, b), R_MOD) }

            // 2^-n mod r for n ≤ 64: 2^(64−n)·2^-64 (one multiplication; the constant is 2^-64 mod r)
            function inv2Pow(n) -> v {
                if gt(n, 64) { fail() }
                v := mulmod(shl(sub(64, n), 1), 0x24d6ba07f7aa8f04b2d8f06f77f52a93ca478dbeab3c92cd2d3e8053e396ee4d, R_MOD)
            }

            // eq(bits(idx), pt[0..k)): Π_j (bit ? pt_j : 1 − pt_j), bit j = bit (k−1−j) of idx (MSB first).
            function selector(pt, k, idx) -> s {
                s := 1
                for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                    let x := mload(add(pt, shl(5, j)))
                    switch and(shr(sub(sub(k, 1), j), idx), 1)
                    case 0 { s := mulmod(s, sub(add(R_MOD, 1), x), R_MOD) } // r + 1 − x ≡ 1 − x, an unreduced mulmod operand
                    default { s := mulmod(s, x, R_MOD) }
                }
            }

            // Table [eq(pt, bits(i))]_i of 2^k words (pt[0] = most significant index bit): each coordinate r doubles
            // the table in place, from the top, T'[2i+1] = T[i]·r, T'[2i] = T[i] − T'[2i+1]
            function eqTable(pt, k) -> t {
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
                        let hi := mulmod(v, r, R_MOD)
                        mstore(add(dst, 0x20), hi)
                        mstore(dst, addmod(v, sub(R_MOD, hi), R_MOD))
                    }
                }
            }

            // ---- sumcheck ("Sumcheck"), degree 2 as used by every sub-protocol of the proof.
            // Plain mode: round message (c0, c2); c1 = e − 2c0 − c2; e ← c0 + r(c1 + r·c2).
            // Challenges go to memory pt[0..n). Returns the final expected value and the calldata cursor.
            function sumcheck2(e, n, cd, pt) -> eOut, cdOut {
                trAbsorbWord({{label:Sumcheck.Claim}}, e)
                eOut := e
                let fmp := mload(0x40)
                let last := add(cd, shl(6, n))
                // r = absorb-challenge(sumcheck_round, c0 ‖ c2): one keccak of the scratch words 0x00–0x7f =
                // s ‖ label ‖ c0 ‖ c2 (0x40 and 0x60 are restored after the loop, 0x20 keeps the label), the new
                // state is the challenge
                mstore(0x20, {{label:Sumcheck.Round}})
                for { } lt(cd, last) { cd := add(cd, 0x40) } {
                    let c0 := calldataload(cd)
                    let c2 := calldataload(add(cd, 0x20))
                    if iszero(and(lt(c0, R_MOD), lt(c2, R_MOD))) { fail() }
                    mstore(0x40, c0)
                    mstore(0x60, c2)
                    let s := keccak256(0x00, 0x80)
                    mstore(0x00, s)
                    let r := mod(s, R_MOD)
                    mstore(pt, r)
                    pt := add(pt, 0x20)
                    // c1 + r·c2 with c1 = e − 2c0 − c2 taken as e + 3r − 2c0 − c2 ∈ [0, 4r) and the sum < 5r < 2^256
                    // unreduced (mulmod reduces any word)
                    eOut := addmod(c0, mulmod(r, add(sub(add(eOut, mul(3, R_MOD)), add(add(c0, c0), c2)), mulmod(r, c2, R_MOD)), R_MOD), R_MOD)
                }
                mstore(0x40, fmp)
                mstore(0x60, 0)
                cdOut := cd
            }

            // Zero-check mode (Gruen): message (q1, q2); q0 = ẽ − τ_i(q1 + q2); ẽ ← q(r_i).
            // Returns G(r) without the eq factor.
            function zeroCheck2(e, tau, n, cd, pt) -> eOut, cdOut {
                trAbsorbWord({{label:Sumcheck.Claim}}, e)
                eOut := e
                let fmp := mload(0x40)
                let last := add(cd, shl(6, n))
                // r = absorb-challenge(sumcheck_round, q1 ‖ q2): one keccak of the scratch words 0x00–0x7f =
                // s ‖ label ‖ q1 ‖ q2 (0x40 and 0x60 are restored after the loop, 0x20 keeps the label), the new
                // state is the challenge
                mstore(0x20, {{label:Sumcheck.Round}})
                for { } lt(cd, last) { cd := add(cd, 0x40) } {
                    let q1 := calldataload(cd)
                    let q2 := calldataload(add(cd, 0x20))
                    if iszero(and(lt(q1, R_MOD), lt(q2, R_MOD))) { fail() }
                    mstore(0x40, q1)
                    mstore(0x60, q2)
                    let s := keccak256(0x00, 0x80)
                    mstore(0x00, s)
                    let r := mod(s, R_MOD)
                    mstore(pt, r)
                    pt := add(pt, 0x20)
                    // q0 + r·(q1 + r·q2) with q0 = ẽ − τ_i(q1 + q2); the sums stay below 2r unreduced (mulmod and
                    // addmod reduce any word)
                    eOut := addmod(add(eOut, sub(R_MOD, mulmod(mload(tau), add(q1, q2), R_MOD))), mulmod(r, add(q1, mulmod(r, q2, R_MOD)), R_MOD), R_MOD)
                    tau := add(tau, 0x20)
                }
                mstore(0x40, fmp)
                mstore(0x60, 0)
                cdOut := cd
            }

            // ---- LogUp ("LogUp"): proof at cd = S ‖ N×(q1,q2) ‖ h_w ‖ f ‖ h_t ‖ t ‖ mult, N = max(n, m): one
            // zero-check of h_t·(α − t) − mult + λ·(h_w·(α − f) − 1), the smaller side depending on the last
            // of the N coordinates. Writes r_w (the last n coordinates) to ptW, r_t (the last m) to ptT and the
            // claim values to out[0..7): S/2^n, S/2^m, h_w(r_w), f(r_w), h_t(r_t), t(r_t), mult(r_t). Returns the cursor.
            function logUp(alpha, n, m, cd, ptW, ptT, out) -> cdOut {
                let sum := frAt(cd)
                trAbsorbCalldata({{label:LogUp.Sum}}, cd, 0x20)
                mstore(out, mulmod(sum, inv2Pow(n), R_MOD))
                mstore(add(out, 0x20), mulmod(sum, inv2Pow(m), R_MOD))
                let lambda := trChallenge({{label:LogUp.Lambda}})
                let nn := n
                if gt(m, n) { nn := m }
                let tau := alloc(shl(5, nn))
                // τ_1 = challenge(logup_tau), τ_{i+1} = τ_i² (docs/protocol.md "LogUp")
                if nn {
                    let tv := trChallenge({{label:LogUp.Tau}})
                    for { let p := tau let e := add(tau, shl(5, nn)) } lt(p, e) { p := add(p, 0x20) } {
                        mstore(p, tv)
                        tv := mulmod(tv, tv, R_MOD)
                    }
                }
                let pt := alloc(shl(5, nn))
                let e, c := zeroCheck2(0, tau, nn, add(cd, 0x20), pt)
                logUpFinal(alpha, lambda, e, c, add(out, 0x40))
                trAbsorbCalldata({{label:LogUp.Evals}}, c, 0xa0)
                mcopy(ptW, add(pt, shl(5, sub(nn, n))), shl(5, n))
                mcopy(ptT, add(pt, shl(5, sub(nn, m))), shl(5, m))
                cdOut := add(c, 0xa0)
            }

            // e = h_t·(α − t) − mult + λ·(h_w·(α − f) − 1) for the five values at c (range-checked, copied to out)
            function logUpFinal(alpha, lambda, e, c, out) {
                calldatacopy(out, c, 0xa0)
                if iszero(and(and(lt(mload(out), R_MOD), lt(mload(add(out, 0x20)), R_MOD)),
                              and(and(lt(mload(add(out, 0x40)), R_MOD), lt(mload(add(out, 0x60)), R_MOD)), lt(mload(add(out, 0x80)), R_MOD)))) { fail() }
                let gw := addmod(mulmod(mload(out), frSub(alpha, mload(add(out, 0x20))), R_MOD), sub(R_MOD, 1), R_MOD)
                let gtab := frSub(mulmod(mload(add(out, 0x40)), frSub(alpha, mload(add(out, 0x60))), R_MOD), mload(add(out, 0x80)))
                if iszero(eq(e, addmod(gtab, mulmod(lambda, gw, R_MOD), R_MOD))) { fail() }
            }

            // ---- curve operations (precompiles 0x06, 0x07, 0x08; any failure, out-of-gas included, reverts).
            // The call comes first: Yul evaluates arguments right to left, so returndatasize() must not
            // share an expression with the call it checks.
            function ecMul(x, y, s) -> rx, ry {
                let p := mload(0x40)
                mstore(p, x)
                mstore(add(p, 0x20), y)
                mstore(add(p, 0x40), s)
                if iszero(staticcall(gas(), 0x07, p, 0x60, p, 0x40)) { revert(0, 0) }
                if iszero(eq(returndatasize(), 0x40)) { revert(0, 0) }
                rx := mload(p)
                ry := mload(add(p, 0x20))
            }

            function ecAdd(ax, ay, bx, by) -> rx, ry {
                let p := mload(0x40)
                mstore(p, ax)
                mstore(add(p, 0x20), ay)
                mstore(add(p, 0x40), bx)
                mstore(add(p, 0x60), by)
                if iszero(staticcall(gas(), 0x06, p, 0x80, p, 0x40)) { revert(0, 0) }
                if iszero(eq(returndatasize(), 0x40)) { revert(0, 0) }
                rx := mload(p)
                ry := mload(add(p, 0x20))
            }

            // acc + s·(x, y)
            function ecMulAdd(ax, ay, x, y, s) -> rx, ry {
                let p := mload(0x40)
                mstore(add(p, 0x40), x)
                mstore(add(p, 0x60), y)
                mstore(add(p, 0x80), s)
                if iszero(staticcall(gas(), 0x07, add(p, 0x40), 0x60, add(p, 0x40), 0x40)) { revert(0, 0) }
                if iszero(eq(returndatasize(), 0x40)) { revert(0, 0) }
                mstore(p, ax)
                mstore(add(p, 0x20), ay)
                if iszero(staticcall(gas(), 0x06, p, 0x80, p, 0x40)) { revert(0, 0) }
                if iszero(eq(returndatasize(), 0x40)) { revert(0, 0) }
                rx := mload(p)
                ry := mload(add(p, 0x20))
            }

            function ecNegY(y) -> ny { ny := mod(sub(P_MOD, y), P_MOD) }

            // ---- HyperKZG with 8-ary folding ("HyperKZG") of a claim (C, x, y). hk = memory context of 12 words:
            // [0] C.x [1] C.y [2] y [3] ℓ [4] xb (xb[i] = coordinate of index bit i, i.e. x_{ℓ−i})
            // [5] g2 ([1]₂ ‖ [τ]₂, EVM encoding, 8 words) [6] r [7] q [8] ζ [9] O = opened levels
            // (L − 1 for L = ⌈ℓ/3⌉ ≥ 2, else 1) [10] r^8 [11] K = coefficients of the last level sent in the clear (0 if L = 1).
            // Proof at cd = folds (O−1) ‖ W ‖ W' ‖ G_{i,b} (8·O words, level-major) ‖ P_0(r^8) ‖ the K last-level
            // coefficients ‖ the hint (r^64 − r^8)⁻¹ (checked, not absorbed).
            // Fails unless the levels fold to y and the pairing check holds. The claim (C, x, y) is not absorbed here:
            // the batched opening's transcript determines it; a standalone opening calls hkAbsorbClaim first.
            function hyperKzg(hk, cd) -> cdOut {
                let l := mload(add(hk, 0x60))
                if iszero(l) {
                    let gx, gy := ecMul(1, 2, mload(add(hk, 0x40)))
                    if iszero(and(eq(gx, mload(hk)), eq(gy, mload(add(hk, 0x20))))) { fail() }
                    cdOut := cd
                    leave
                }
                let opened := div(add(l, 2), 3)
                let kLast := 0
                if gt(opened, 1) {
                    opened := sub(opened, 1)
                    kLast := shl(sub(l, mul(3, opened)), 1)
                }
                mstore(add(hk, 0x120), opened)
                mstore(add(hk, 0x160), kLast)
                let w := add(cd, shl(6, sub(opened, 1)))
                let v := add(w, 0x80)
                let nv := add(shl(3, opened), 1)
                cdOut := add(add(add(v, shl(5, nv)), shl(5, kLast)), 0x20) // … ‖ the inverse hint (r^64 − r^8)⁻¹
                for { let p := cd } lt(p, v) { p := add(p, 0x40) } { g1Check(p) }
                for { let p := v } lt(p, cdOut) { p := add(p, 0x20) } { if iszero(lt(calldataload(p), R_MOD)) { fail() } }
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
                mstore(add(hk, 0x100), trChallenge({{label:HyperKzg.Zeta}}))
                trAbsorbCalldata({{label:HyperKzg.W2}}, add(w, 0x40), 0x40)
                hkPairing(hk, cd, w, v)
            }

            // Bytes of a HyperKZG proof for ℓ ≥ 1 variables (docs/protocol.md "HyperKZG"): 64(O−1) + 128 + 32(8·O + 1) + 32·K + 32.
            function hkLength(l) -> n {
                let opened := div(add(l, 2), 3)
                let kLast := 0
                if gt(opened, 1) {
                    opened := sub(opened, 1)
                    kLast := shl(sub(l, mul(3, opened)), 1)
                }
                n := add(add(shl(6, sub(opened, 1)), 0x80), shl(5, add(add(shl(3, opened), 2), kLast)))
            }

            function hkAbsorbClaim(hk) {
                let l := mload(add(hk, 0x60))
                let xb := mload(add(hk, 0x80))
                trAbsorbMemory({{label:HyperKzg.Commitment}}, hk, 0x40)
                // the point in protocol order (x_1 … x_ℓ) is xb reversed
                let tmp := alloc(shl(5, l))
                for { let j := 0 } lt(j, l) { j := add(j, 1) } {
                    mstore(add(tmp, shl(5, j)), mload(add(xb, shl(5, sub(sub(l, 1), j)))))
                }
                trAbsorbMemory({{label:HyperKzg.Point}}, tmp, shl(5, l))
                trAbsorbWord({{label:HyperKzg.Value}}, mload(add(hk, 0x40)))
            }

            // B(r^8) = Σ_{i<O} q^i·P_i(r^8): P_0(r^8) is sent (after the 8·O parts), P_{i+1}(r^8) = hkFoldLevel of
            // level i. The last opened level must fold to y (L = 1) or to the clear last level at r^8, whose own
            // fold must then be y (L ≥ 2).
            function hkDerived(hk, v) -> b8 {
                let opened := mload(add(hk, 0x120))
                let eqt := alloc(0x100)
                b8 := calldataload(add(v, shl(8, opened)))
                let qi := 1
                for { let i := 0 } lt(i, opened) { i := add(i, 1) } {
                    let s := sub(mload(add(hk, 0x60)), mul(3, i))
                    if gt(s, 3) { s := 3 }
                    let acc := hkFoldLevel(add(v, shl(8, i)), add(mload(add(hk, 0x80)), mul(0x60, i)), s, mload(add(hk, 0xc0)), eqt)
                    switch lt(add(i, 1), opened)
                    case 0 { hkLastCheck(hk, add(v, add(shl(8, opened), 0x20)), acc, eqt) }
                    default {
                        qi := mulmod(qi, mload(add(hk, 0xe0)), R_MOD)
                        b8 := addmod(b8, mulmod(qi, acc, R_MOD), R_MOD)
                    }
                }
            }

            // The end of the folding: acc = the last opened level folded at r^8. Without a clear level acc must be
            // y; with one (K coefficients at `at`), acc must be its value at r^8 and its fold by the last
            // log K coordinates must be y.
            function hkLastCheck(hk, at, acc, eqt) {
                let kk := mload(add(hk, 0x160))
                if iszero(kk) {
                    if iszero(eq(acc, mload(add(hk, 0x40)))) { fail() }
                    leave
                }
                let e := 0
                for { let j := kk } j { } {
                    j := sub(j, 1)
                    e := addmod(mulmod(e, mload(add(hk, 0x140)), R_MOD), calldataload(add(at, shl(5, j))), R_MOD)
                }
                if iszero(eq(acc, e)) { fail() }
                calldatacopy(eqt, at, shl(5, kk))
                let xs := add(mload(add(hk, 0x80)), mul(0x60, mload(add(hk, 0x120))))
                for { let k := 0 } shr(add(k, 1), kk) { k := add(k, 1) } {
                    let x := mload(add(xs, shl(5, k)))
                    for { let j := 0 } lt(j, shr(add(k, 1), kk)) { j := add(j, 1) } {
                        let p := add(eqt, shl(6, j))
                        mstore(add(eqt, shl(5, j)), hkPair(mload(p), mload(add(p, 0x20)), x))
                    }
                }
                if iszero(eq(mload(eqt), mload(add(hk, 0x40)))) { fail() }
            }

            // One level's fold at r^K (K = 2^s) from its parts G_b (row, 8 calldata words) and its s coordinates
            // xs (memory): Σ_{b<K} eq(xs, b)·g_b with g_b = Σ_{t<8/K} r^{tK}·G_{b+tK}, computed by folding the
            // g's pairwise (g_{2j} + x·(g_{2j+1} − g_{2j}), coordinate xs[0] first); eqt = 8 words of scratch.
            function hkFoldLevel(row, xs, s, r, eqt) -> acc {
                if eq(s, 3) { // hkPair written out (no calls); R_MOD on the stack keeps the code small; b − a as b + r − a
                    let rm := R_MOD
                    let x := mload(xs)
                    let a0 := calldataload(row)
                    a0 := addmod(a0, mulmod(x, add(calldataload(add(row, 0x20)), sub(rm, a0)), rm), rm)
                    let a1 := calldataload(add(row, 0x40))
                    a1 := addmod(a1, mulmod(x, add(calldataload(add(row, 0x60)), sub(rm, a1)), rm), rm)
                    let a2 := calldataload(add(row, 0x80))
                    a2 := addmod(a2, mulmod(x, add(calldataload(add(row, 0xa0)), sub(rm, a2)), rm), rm)
                    let a3 := calldataload(add(row, 0xc0))
                    a3 := addmod(a3, mulmod(x, add(calldataload(add(row, 0xe0)), sub(rm, a3)), rm), rm)
                    x := mload(add(xs, 0x20))
                    a0 := addmod(a0, mulmod(x, add(a1, sub(rm, a0)), rm), rm)
                    a2 := addmod(a2, mulmod(x, add(a3, sub(rm, a2)), rm), rm)
                    acc := addmod(a0, mulmod(mload(add(xs, 0x40)), add(a2, sub(rm, a0)), rm), rm)
                    leave
                }
                let kk := shl(s, 1)
                let rk := r
                for { let k := 0 } lt(k, s) { k := add(k, 1) } { rk := mulmod(rk, rk, R_MOD) }
                for { let b := 0 } lt(b, kk) { b := add(b, 1) } { mstore(add(eqt, shl(5, b)), hkStridedPart(row, b, kk, rk)) }
                for { let k := 0 } lt(k, s) { k := add(k, 1) } {
                    let x := mload(add(xs, shl(5, k)))
                    let half := shr(add(k, 1), kk)
                    for { let j := 0 } lt(j, half) { j := add(j, 1) } {
                        let p := add(eqt, shl(6, j))
                        mstore(add(eqt, shl(5, j)), hkPair(mload(p), mload(add(p, 0x20)), x))
                    }
                }
                acc := mload(eqt)
            }

            // a + x·(b − a) for a, b < r (b + r − a < 2r is a mulmod operand, unreduced)
            function hkPair(a, b, x) -> v { v := addmod(a, mulmod(x, add(b, sub(R_MOD, a)), R_MOD), R_MOD) }

            // Σ_{t<8/K} rk^t·G_{b+tK} (Horner), the K-strided part b at r^K from the 8-strided parts
            function hkStridedPart(row, b, kk, rk) -> g {
                for { let t := add(b, sub(8, kk)) } 1 { t := sub(t, kk) } {
                    g := addmod(mulmod(g, rk, R_MOD), calldataload(add(row, shl(5, t))), R_MOD)
                    if lt(t, kk) { break }
                }
            }

            // I(ζ) for the interpolant of (u_s, B_s) on u = (ω^0·r … ω^7·r, r^8) and Z(ζ) = (ζ^8 − r^8)(ζ − r^8).
            // With H_b = Σ_i q^i·G_{i,b} and H(X) = Σ_b H_b·X^b, B(ω^j·r) = H(ω^j·r); interpolation on nine
            // points reproduces X^b (b < 9), so I(ζ) = H(ζ) + λ_8·(B(r^8) − H(r^8)) with the Lagrange weight
            // λ_8 = (ζ^8 − r^8)/(r^64 − r^8) of r^8 (one inversion).
            function hkInterpolation(hk, v) -> iz, zz {
                let b8 := hkDerived(hk, v)
                let hz, hr := hkCombinedParts(hk, v)
                let r8 := mload(add(hk, 0x140))
                let z := mload(add(hk, 0x100))
                let z8 := mulmod(z, z, R_MOD)
                z8 := mulmod(z8, z8, R_MOD)
                z8 := mulmod(z8, z8, R_MOD)
                let r64 := mulmod(r8, r8, R_MOD)
                r64 := mulmod(r64, r64, R_MOD)
                r64 := mulmod(r64, r64, R_MOD)
                let hint := calldataload(add(add(v, shl(5, add(shl(3, mload(add(hk, 0x120))), 1))), shl(5, mload(add(hk, 0x160)))))
                if iszero(eq(mulmod(hint, frSub(r64, r8), R_MOD), 1)) { fail() }
                let lam := mulmod(frSub(z8, r8), hint, R_MOD)
                iz := addmod(hz, mulmod(lam, frSub(b8, hr), R_MOD), R_MOD)
                zz := mulmod(frSub(z8, r8), frSub(z, r8), R_MOD)
            }

            // H(ζ) and H(r^8) for H_b = Σ_i q^i·G_{i,b}: Horner in q over the levels (eight accumulators in memory,
            // unrolled), then in X over b.
            function hkCombinedParts(hk, v) -> hz, hr {
                let q := mload(add(hk, 0xe0))
                let acc := alloc(0x100)
                calldatacopy(acc, add(v, shl(8, sub(mload(add(hk, 0x120)), 1))), 0x100)
                for { let row := add(v, shl(8, sub(mload(add(hk, 0x120)), 1))) } gt(row, v) { } {
                    row := sub(row, 0x100)
                    mstore(add(acc, 0x0), addmod(mulmod(mload(add(acc, 0x0)), q, R_MOD), calldataload(add(row, 0x0)), R_MOD))
                    mstore(add(acc, 0x20), addmod(mulmod(mload(add(acc, 0x20)), q, R_MOD), calldataload(add(row, 0x20)), R_MOD))
                    mstore(add(acc, 0x40), addmod(mulmod(mload(add(acc, 0x40)), q, R_MOD), calldataload(add(row, 0x40)), R_MOD))
                    mstore(add(acc, 0x60), addmod(mulmod(mload(add(acc, 0x60)), q, R_MOD), calldataload(add(row, 0x60)), R_MOD))
                    mstore(add(acc, 0x80), addmod(mulmod(mload(add(acc, 0x80)), q, R_MOD), calldataload(add(row, 0x80)), R_MOD))
                    mstore(add(acc, 0xa0), addmod(mulmod(mload(add(acc, 0xa0)), q, R_MOD), calldataload(add(row, 0xa0)), R_MOD))
                    mstore(add(acc, 0xc0), addmod(mulmod(mload(add(acc, 0xc0)), q, R_MOD), calldataload(add(row, 0xc0)), R_MOD))
                    mstore(add(acc, 0xe0), addmod(mulmod(mload(add(acc, 0xe0)), q, R_MOD), calldataload(add(row, 0xe0)), R_MOD))
                }
                let z := mload(add(hk, 0x100))
                let r8 := mload(add(hk, 0x140))
                hz := mload(add(acc, 0xe0))
                hr := hz
                hz := addmod(mulmod(hz, z, R_MOD), mload(add(acc, 0xc0)), R_MOD)
                hr := addmod(mulmod(hr, r8, R_MOD), mload(add(acc, 0xc0)), R_MOD)
                hz := addmod(mulmod(hz, z, R_MOD), mload(add(acc, 0xa0)), R_MOD)
                hr := addmod(mulmod(hr, r8, R_MOD), mload(add(acc, 0xa0)), R_MOD)
                hz := addmod(mulmod(hz, z, R_MOD), mload(add(acc, 0x80)), R_MOD)
                hr := addmod(mulmod(hr, r8, R_MOD), mload(add(acc, 0x80)), R_MOD)
                hz := addmod(mulmod(hz, z, R_MOD), mload(add(acc, 0x60)), R_MOD)
                hr := addmod(mulmod(hr, r8, R_MOD), mload(add(acc, 0x60)), R_MOD)
                hz := addmod(mulmod(hz, z, R_MOD), mload(add(acc, 0x40)), R_MOD)
                hr := addmod(mulmod(hr, r8, R_MOD), mload(add(acc, 0x40)), R_MOD)
                hz := addmod(mulmod(hz, z, R_MOD), mload(add(acc, 0x20)), R_MOD)
                hr := addmod(mulmod(hr, r8, R_MOD), mload(add(acc, 0x20)), R_MOD)
                hz := addmod(mulmod(hz, z, R_MOD), mload(add(acc, 0x0)), R_MOD)
                hr := addmod(mulmod(hr, r8, R_MOD), mload(add(acc, 0x0)), R_MOD)
            }

            // Multi-point opening of B = Σ_i q^i·P_i at the nine points with two witnesses (BDFG20 §4):
            // F = C + Σ_{i≥1} q^i·F_i − I(ζ)·G − Z(ζ)·W + ζ·W'; accept iff e(F, [1]₂)·e(−W', [τ]₂) = 1.
            // O + 2 scalar multiplications (the commitment's coefficient is 1).
            function hkPairing(hk, folds, w, v) {
                let lx := mload(hk)
                let ly := mload(add(hk, 0x20))
                let q := mload(add(hk, 0xe0))
                let qi := 1
                for { let p := folds } lt(p, w) { p := add(p, 0x40) } {
                    qi := mulmod(qi, q, R_MOD)
                    lx, ly := ecMulAdd(lx, ly, calldataload(p), calldataload(add(p, 0x20)), qi)
                }
                let iz, zz := hkInterpolation(hk, v)
                lx, ly := ecMulAdd(lx, ly, 1, 2, frNeg(iz))
                lx, ly := ecMulAdd(lx, ly, calldataload(w), calldataload(add(w, 0x20)), frNeg(zz))
                lx, ly := ecMulAdd(lx, ly, calldataload(add(w, 0x40)), calldataload(add(w, 0x60)), mload(add(hk, 0x100)))
                let p := mload(0x40)
                mstore(p, lx)
                mstore(add(p, 0x20), ly)
                let g2 := mload(add(hk, 0xa0))
                mcopy(add(p, 0x40), g2, 0x80)
                mstore(add(p, 0xc0), calldataload(add(w, 0x40)))
                mstore(add(p, 0xe0), ecNegY(calldataload(add(w, 0x60))))
                mcopy(add(p, 0x100), add(g2, 0x80), 0x80)
                if iszero(staticcall(gas(), 0x08, p, 0x180, p, 0x20)) { revert(0, 0) }
                if iszero(eq(returndatasize(), 0x20)) { revert(0, 0) }
                if iszero(mload(p)) { fail() }
            }

            // ---- batched openings ("Batched openings"), in the inference form: the claims are NOT absorbed
            // (the transcript already determines every commitment, point and value).
            // claims: m records of 8 words [group, n_i, zptr, y_i, k_i, o_i, id_i, 0]: the point z_i is k_i offset
            // bits (the bits of o_i, MSB first) followed by the n_i − k_i coordinates at zptr; claims with the
            // same id_i ∈ 1 … 30 have the same suffix (their eq factor is computed once), id_i = 31 marks the
            // suffix ½ … ½ (zptr unused); k_i = id_i = 0 is always correct. groups: the distinct commitments, 2 words each (x, y) in memory; every claim of a group
            // has the same n_i. Proof at cd = N×(c0, c2) ‖ one evaluation per group, in order of first
            // appearance among the claims ‖ HyperKZG. The first group's commitment enters with coefficient 1.
            // splits: [count, then per split (group, n, k, A_0 … A_{2^k−1} as x, y)]: a group with that n enters
            // the joint opening as the fold Σ_S (Π_{t∈S} c_{n−k+t})·A_S of its 2^k parts over n − k variables
            function batchOpen(claims, m, groups, nGroups, splits, cd, g2) -> cdOut {
                // info: [0] N, [1] number of groups with claims, [2] rank table, [3] challenges c_0 … c_{N−1},
                // [4] bit table (bitTable), [5] end of the claim records
                let info := alloc(0xc0)
                mstore(add(info, 0xa0), add(claims, shl(8, m)))
                mstore(add(info, 0x40), batchRanks(claims, add(claims, shl(8, m)), nGroups, info))
                mstore(add(info, 0x60), alloc(shl(5, mload(info))))
                cdOut := batchSumcheck(claims, info, cd)
                trAbsorbCalldata({{label:Batch.Evals}}, cdOut, shl(5, mload(add(info, 0x20))))
                let nJoint := batchSplits(splits, groups, nGroups, mload(add(info, 0x40)), mload(add(info, 0x60)))
                let hk := alloc(0x180)
                batchJoint(groups, nGroups, mload(add(info, 0x40)), mload(add(info, 0x80)), nJoint, cdOut, hk)
                mstore(add(hk, 0x60), nJoint)
                mstore(add(hk, 0x80), mload(add(info, 0x60)))
                mstore(add(hk, 0xa0), g2)
                cdOut := hyperKzg(hk, add(cdOut, shl(5, mload(add(info, 0x20)))))
            }

            // ρ, the sumcheck (challenges to info[3]) and its final check against the per-group evaluations
            // (range-checked); sets info[4] and returns the cursor of those evaluations.
            function batchSumcheck(claims, info, cd) -> ev {
                let rho := trChallenge({{label:Batch.Rho}})
                let e := 0
                e, ev := sumcheck2(batchInitialClaim(claims, mload(add(info, 0xa0)), mload(info), rho), mload(info), cd, mload(add(info, 0x60)))
                frRange(ev, mload(add(info, 0x20)))
                mstore(add(info, 0x80), bitTable(mload(add(info, 0x60)), mload(info)))
                if iszero(eq(e, batchFinalClaim(claims, rho, ev, info))) { fail() }
            }

            // Folds the split groups (see batchOpen) in place (commitment and rank-table n); returns the joint
            // opening's variables: the largest n of the groups with claims.
            function batchSplits(splits, groups, nGroups, rank, ch) -> nJoint {
                let sp := add(splits, 0x20)
                for { let i := 0 } lt(i, mload(splits)) { i := add(i, 1) } {
                    let g := mload(sp)
                    let k := mload(add(sp, 0x40))
                    if iszero(lt(g, nGroups)) { fail() }
                    if or(iszero(k), gt(k, 8)) { fail() }
                    let slot := add(rank, shl(6, g))
                    let n := mload(add(slot, 0x20))
                    if and(iszero(iszero(mload(slot))), and(eq(n, mload(add(sp, 0x20))), iszero(gt(k, n)))) {
                        let gp := add(groups, shl(6, g))
                        let x, y := splitFold(add(sp, 0x60), add(ch, shl(5, sub(n, k))), k)
                        mstore(gp, x)
                        mstore(add(gp, 0x20), y)
                        mstore(add(slot, 0x20), sub(n, k))
                    }
                    sp := add(sp, add(0x60, shl(6, shl(k, 1))))
                }
                for { let g := 0 } lt(g, nGroups) { g := add(g, 1) } {
                    let slot := add(rank, shl(6, g))
                    if mload(slot) { if gt(mload(add(slot, 0x20)), nJoint) { nJoint := mload(add(slot, 0x20)) } }
                }
            }

            // Σ_S (Π_{t∈S} c_t)·A_S for the 2^k points A_S at pts and the challenges c_0 … c_{k−1} at c
            function splitFold(pts, c, k) -> x, y {
                x := mload(pts)
                y := mload(add(pts, 0x20))
                for { let s := 1 } lt(s, shl(k, 1)) { s := add(s, 1) } {
                    let sc := 1
                    for { let t := 0 } lt(t, k) { t := add(t, 1) } {
                        if and(shr(t, s), 1) { sc := mulmod(sc, mload(add(c, shl(5, t))), R_MOD) }
                    }
                    x, y := ecMulAdd(x, y, mload(add(pts, shl(6, s))), mload(add(pts, add(shl(6, s), 0x20))), sc)
                }
            }

            // Per group g: word 2g = 1 + its order of first appearance among the claims (0: no claim), word
            // 2g + 1 = its n; writes N = max n_i and the number of distinct groups to info[0], info[1].
            function batchRanks(claims, end, nGroups, info) -> rank {
                rank := alloc(shl(6, nGroups))
                for { let g := 0 } lt(g, nGroups) { g := add(g, 1) } { mstore(add(rank, shl(6, g)), 0) }
                let nMax := 0
                let cnt := 0
                for { let c := claims } lt(c, end) { c := add(c, 0x100) } {
                    let n := mload(add(c, 0x20))
                    if gt(n, nMax) { nMax := n }
                    let slot := add(rank, shl(6, mload(c)))
                    switch mload(slot)
                    case 0 {
                        cnt := add(cnt, 1)
                        mstore(slot, cnt)
                        mstore(add(slot, 0x20), n)
                    }
                    default { if iszero(eq(mload(add(slot, 0x20)), n)) { fail() } }
                }
                mstore(info, nMax)
                mstore(add(info, 0x20), cnt)
            }

            // Σ_i ρ^i·2^{N−n_i}·y_i
            function batchInitialClaim(claims, end, nMax, rho) -> claim {
                let rp := 1
                for { let c := claims } lt(c, end) { c := add(c, 0x100) } {
                    claim := addmod(claim, mulmod(rp, mulmod(mload(add(c, 0x60)), shl(sub(nMax, mload(add(c, 0x20))), 1), R_MOD), R_MOD), R_MOD)
                    rp := mulmod(rp, rho, R_MOD)
                }
            }

            // Σ_i ρ^i·eq(z_i, r_i)·e_{g(i)} with r_i[j] = c_{n_i−1−j} (the evaluations at ev are range-checked; info: see
            // batchOpen). eq(z_i, r_i) = its k_i offset bits (bit j of o_i, least significant first, pairs with
            // c_{n_i−k_i+j}) times its suffix factor, which is cached per suffix id (ids 1 … 30); id 31 marks the
            // suffix ½ … ½ (the LogUp sum claims), whose factor is 2^−(n_i−k_i)
            function batchFinalClaim(claims, rho, ev, info) -> expected {
                let cache := alloc(0x400)
                calldatacopy(cache, calldatasize(), 0x400) // zeros
                let bt := mload(add(info, 0x80))
                let rank := mload(add(info, 0x40))
                let rp := 1
                for { let end := mload(add(info, 0xa0)) } lt(claims, end) { claims := add(claims, 0x100) } {
                    let n := mload(add(claims, 0x20))
                    let ns := sub(n, mload(add(claims, 0x80)))
                    let id := and(mload(add(claims, 0xc0)), 31)
                    let v := 0
                    switch id
                    case 31 { v := inv2Pow(ns) }
                    default {
                        if id { v := mload(add(cache, shl(5, id))) }
                        if iszero(v) {
                            v := eqPoint(mload(add(claims, 0x40)), ns, bt)
                            if id { mstore(add(cache, shl(5, id)), v) }
                        }
                    }
                    let o := mload(add(claims, 0xa0))
                    let p := add(bt, shl(7, ns))
                    if and(sub(n, ns), 1) {
                        v := mulmod(v, mload(add(p, shl(5, and(o, 1)))), R_MOD)
                        o := shr(1, o)
                        p := add(p, 0x80)
                    }
                    if and(sub(n, ns), 2) {
                        v := mulmod(v, mulmod(mload(add(p, shl(5, and(o, 1)))), mload(add(add(p, 0x80), shl(4, and(o, 2)))), R_MOD), R_MOD)
                        o := shr(2, o)
                        p := add(p, 0x100)
                    }
                    for { let pe := add(bt, shl(7, n)) } lt(p, pe) { p := add(p, 0x200) } { // four offset bits per iteration
                        v := mulmod(v, mulmod(mulmod(mload(add(p, shl(5, and(o, 1)))), mload(add(add(p, 0x80), shl(4, and(o, 2)))), R_MOD),
                                              mulmod(mload(add(add(p, 0x100), shl(3, and(o, 4)))), mload(add(add(p, 0x180), shl(2, and(o, 8)))), R_MOD), R_MOD), R_MOD)
                        o := shr(4, o)
                    }
                    let eg := calldataload(add(ev, shl(5, sub(mload(add(rank, shl(6, mload(claims)))), 1))))
                    expected := addmod(expected, mulmod(rp, mulmod(v, eg, R_MOD), R_MOD), R_MOD)
                    rp := mulmod(rp, rho, R_MOD)
                }
            }

            // bt + 0x80·b holds (1 − c_b, c_b, 2c_b − 1) for b < N = max n_i (N ≤ 64): an offset bit selects one of
            // the first two words, any other coordinate z gives the factor 1 − c_b + z·(2c_b − 1) (correct for
            // every z, including the offset bits 0, 1 and the ½ of the sum claims). Entries need not be reduced.
            function bitTable(ch, nMax) -> bt {
                if gt(nMax, 64) { fail() }
                bt := alloc(shl(7, nMax))
                for { let p := bt let end := add(ch, shl(5, nMax)) } lt(ch, end) { ch := add(ch, 0x20) p := add(p, 0x80) } {
                    let c := mload(ch)
                    mstore(p, sub(add(R_MOD, 1), c))
                    mstore(add(p, 0x20), c)
                    mstore(add(p, 0x40), addmod(add(c, c), sub(R_MOD, 1), R_MOD))
                }
            }

            // eq(z, (c_{n−1}, …, c_0)) = Π_j (1 − c + z_j·(2c − 1)) over the bit table bt (see bitTable)
            // (one or two coordinates, then four per iteration: a quarter of the loop overhead; each factor
            // 1 − c + z·(2c − 1) < 2r + 1 is left unreduced, as a mulmod operand)
            function eqPoint(z, n, bt) -> v {
                v := 1
                let q := add(bt, shl(7, n))
                if and(n, 1) {
                    q := sub(q, 0x80)
                    v := addmod(mload(q), mulmod(mload(z), mload(add(q, 0x40)), R_MOD), R_MOD)
                    z := add(z, 0x20)
                }
                if and(n, 2) {
                    q := sub(q, 0x100)
                    v := mulmod(v, mulmod(add(mload(add(q, 0x80)), mulmod(mload(z), mload(add(q, 0xc0)), R_MOD)),
                                          add(mload(q), mulmod(mload(add(z, 0x20)), mload(add(q, 0x40)), R_MOD)), R_MOD), R_MOD)
                    z := add(z, 0x40)
                }
                for { } gt(q, bt) { z := add(z, 0x80) } {
                    q := sub(q, 0x200) // z[0 … 3] pair with the bit-table entries at q + 0x180, 0x100, 0x80, 0
                    v := mulmod(v, mulmod(mulmod(add(mload(add(q, 0x180)), mulmod(mload(z), mload(add(q, 0x1c0)), R_MOD)),
                                                 add(mload(add(q, 0x100)), mulmod(mload(add(z, 0x20)), mload(add(q, 0x140)), R_MOD)), R_MOD),
                                          mulmod(add(mload(add(q, 0x80)), mulmod(mload(add(z, 0x40)), mload(add(q, 0xc0)), R_MOD)),
                                                 add(mload(q), mulmod(mload(add(z, 0x60)), mload(add(q, 0x40)), R_MOD)), R_MOD), R_MOD), R_MOD)
                }
            }

            // γ; with the groups in order of first appearance (rank k = 1, 2, …): joint value
            // y = Σ γ^{k−1}·e_k·Π_{b=n_k}^{N−1}(1 − c_b) (N = nJoint, 1 − c_b from the bit table bt) into hk[2] and joint
            // commitment C = Σ γ^{k−1}·C_k into hk[0], hk[1]
            function batchJoint(groups, nGroups, rank, bt, nJoint, ev, hk) {
                let gamma := trChallenge({{label:Batch.Gamma}})
                let yj := 0
                for { let g := 0 } lt(g, nGroups) { g := add(g, 1) } {
                    let slot := add(rank, shl(6, g))
                    if mload(slot) {
                        let t := calldataload(add(ev, shl(5, sub(mload(slot), 1))))
                        for { let p := add(bt, shl(7, mload(add(slot, 0x20)))) let pe := add(bt, shl(7, nJoint)) } lt(p, pe) { p := add(p, 0x80) } {
                            t := mulmod(t, mload(p), R_MOD)
                        }
                        yj := addmod(yj, mulmod(gammaPow(gamma, sub(mload(slot), 1)), t, R_MOD), R_MOD)
                    }
                }
                mstore(add(hk, 0x40), yj)
                let cx := 0
                let cy := 0
                for { let g := 0 } lt(g, nGroups) { g := add(g, 1) } {
                    let k := mload(add(rank, shl(6, g)))
                    let gptr := add(groups, shl(6, g))
                    switch k
                    case 0 { }
                    case 1 { cx, cy := ecAdd(cx, cy, mload(gptr), mload(add(gptr, 0x20))) }
                    default { cx, cy := ecMulAdd(cx, cy, mload(gptr), mload(add(gptr, 0x20)), gammaPow(gamma, sub(k, 1))) }
                }
                mstore(hk, cx)
                mstore(add(hk, 0x20), cy)
            }

            function gammaPow(gamma, e) -> v {
                v := 1
                for { } e { e := sub(e, 1) } { v := mulmod(v, gamma, R_MOD) }
            }
            // ===== end of the verifier core ==========================================================

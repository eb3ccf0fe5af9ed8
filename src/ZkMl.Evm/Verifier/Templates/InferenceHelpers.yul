            // ===== inference helpers (fixed; constants above) ===========================================

            // 32-bit field j of this batch size's layout record (see BATCH_LAYOUTS)
            function layField(lay, j) -> v { v := shr(224, mload(add(lay, shl(2, j)))) }

            function toFr(v) -> f {
                f := v
                if slt(v, 0) { f := add(v, R_MOD) }
            }

            // Public statement: B ≥ 1, B ≤ MAX_BATCH, exact word count, zero padding. ctx ← B, b, pi.
            function decodeStatement(ctx, pi, words) {
                if iszero(words) { fail() }
                let bsz := calldataload(pi)
                if or(iszero(bsz), gt(bsz, MAX_BATCH)) { fail() }
                let b := 0
                for { } lt(shl(b, 1), bsz) { } { b := add(b, 1) }
                let body := add(mul(mul(bsz, INPUT_SIZE), X_BYTES), mul(mul(shl(b, 1), OUTPUT_SIZE), Y_BYTES))
                if iszero(eq(words, add(1, shr(5, add(body, 31))))) { fail() }
                let pad := sub(shl(5, sub(words, 1)), body)
                if pad {
                    if shl(shl(3, sub(32, pad)), calldataload(add(pi, shl(5, sub(words, 1))))) { fail() }
                }
                mstore(ctx, bsz)
                mstore(add(ctx, 0x20), b)
                mstore(add(ctx, 0x60), pi)
            }

            // Ỹ(r_b, r_o) over all 2^b rows and the OUTPUT_SIZE real columns
            function mleY(ctx, rout) -> acc {
                let b := mload(add(ctx, 0x20))
                let eqb := eqTable(rout, b)
                let eqo := eqTableOut(add(rout, shl(5, b)))
                let y := add(mload(add(ctx, 0x60)), add(0x20, mul(mul(mload(ctx), INPUT_SIZE), X_BYTES)))
                for { let row := 0 } lt(row, shl(b, 1)) { row := add(row, 1) } {
                    let rowAcc := 0
                    for { let col := 0 } lt(col, OUTPUT_SIZE) { col := add(col, 1) } {
                        let v := signextend(sub(Y_BYTES, 1), shr(sub(256, shl(3, Y_BYTES)), calldataload(y)))
                        if v { rowAcc := addmod(rowAcc, mulmod(toFr(v), mload(add(eqo, shl(5, col))), R_MOD), R_MOD) }
                        y := add(y, Y_BYTES)
                    }
                    acc := addmod(acc, mulmod(rowAcc, mload(add(eqb, shl(5, row))), R_MOD), R_MOD)
                }
            }

            // X̃(r_b, ρ) over the B real rows and INPUT_SIZE real columns; checks |x| ≤ X_BOUND.
            // eq(ρ, ·) = eq(ρ_hi, ·) ⊗ eq(ρ_lo, ·) with ρ_lo the last X_LO_VARS coordinates: one
            // calldata word holds the 2^X_LO_VARS values of one ρ_hi index, and all-zero words are skipped.
            function mleX(ctx, rb, rho) -> acc {
                let eqb := eqTable(rb, mload(add(ctx, 0x20)))
                let eqlo := eqTableXLo(add(rho, shl(5, sub(IN_VARS0, X_LO_VARS))))
                let eqhi := eqTableXHi(rho)
                let xrow := add(mload(add(ctx, 0x60)), 0x20)
                for { let row := 0 } lt(row, mload(ctx)) { row := add(row, 1) } {
                    let rowAcc := 0
                    for { let h := 0 } lt(shl(X_LO_VARS, h), INPUT_SIZE) { h := add(h, 1) } {
                        let s := xChunk(xrow, h, eqlo)
                        if s { rowAcc := addmod(rowAcc, mulmod(s, mload(add(eqhi, shl(5, h))), R_MOD), R_MOD) }
                    }
                    acc := addmod(acc, mulmod(rowAcc, mload(add(eqb, shl(5, row))), R_MOD), R_MOD)
                    xrow := add(xrow, mul(INPUT_SIZE, X_BYTES))
                }
            }

            // Σ_j x[h·2^X_LO_VARS + j]·eqlo[j] over the real values of chunk h of a row. Runs of zero
            // values (most pixels of an image) are skipped 16, 8 or 4 bytes at a time. (For 1-byte
            // inputs the generated xChunk below is an unrolled version of this loop.)
            function xChunkLoop(xrow, h, eqlo) -> s {
                let col0 := shl(X_LO_VARS, h)
                let cnt := sub(INPUT_SIZE, col0)
                if gt(cnt, shl(X_LO_VARS, 1)) { cnt := shl(X_LO_VARS, 1) }
                let w := calldataload(add(xrow, mul(col0, X_BYTES)))
                let used := shl(3, mul(cnt, X_BYTES))
                if lt(used, 256) { w := and(w, not(shr(used, not(0)))) }
                for { let p := eqlo } w { } {
                    if iszero(shr(128, w)) {
                        w := shl(128, w)
                        p := add(p, shl(5, div(16, X_BYTES)))
                        continue
                    }
                    if iszero(shr(192, w)) {
                        w := shl(64, w)
                        p := add(p, shl(5, div(8, X_BYTES)))
                        continue
                    }
                    if iszero(shr(224, w)) {
                        w := shl(32, w)
                        p := add(p, shl(5, div(4, X_BYTES)))
                        continue
                    }
                    let v := signextend(sub(X_BYTES, 1), shr(sub(256, shl(3, X_BYTES)), w))
                    if v { s := xAcc(s, v, mload(p)) }
                    w := shl(shl(3, X_BYTES), w)
                    p := add(p, 0x20)
                }
            }

            // s + x·e for one packed input value x (range-checked)
            function xAcc(s, v, e) -> t {
                // v ∈ [−X_BOUND, X_BOUND] ⟺ v + X_BOUND ∈ [0, 2·X_BOUND] as an unsigned word
                if gt(add(v, X_BOUND), mul(2, X_BOUND)) { fail() }
                t := addmod(s, mulmod(add(v, mul(slt(v, 0), R_MOD)), e, R_MOD), R_MOD)
            }

            // Σ_{j} 2^{s−1−j}·p[j]: the MLE of the local index of a table segment
            function localIndex(p, s) -> v {
                // 2v < 2^255 needs no reduction before addmod
                for { let e := add(p, shl(5, s)) } lt(p, e) { p := add(p, 0x20) } { v := addmod(add(v, v), mload(p), R_MOD) }
            }

            // Writes claim record [group, n, zptr, y, prefLen, prefVal, 0, 0] at rec (see batchOpen; the caller
            // sets a suffix id in word 6) and returns zptr: n − prefLen fresh words where the caller copies
            // the item's point (the prefLen offset bits are prefVal's).
            function claimAt(rec, group, n, prefLen, prefVal, y) -> z {
                z := alloc(shl(5, sub(n, prefLen)))
                mstore(rec, group)
                mstore(add(rec, 0x20), n)
                mstore(add(rec, 0x40), z)
                mstore(add(rec, 0x60), y)
                mstore(add(rec, 0x80), prefLen)
                mstore(add(rec, 0xa0), prefVal)
                mstore(add(rec, 0xc0), 0)
            }

// SPDX-License-Identifier: GPL-3.0-or-later
// Side-by-side peer for tests/bench/pain001_bench.cpp: the npm package `sepa` 3.0.0 generating the
// same N transfers (same ids, names, IBANs, amounts and remittance texts) as one pain.001.001.09.
//
//   node gen.js N OUT.xml        (run with NODE_PATH pointing at the install, see run-pain001-bench.sh)
'use strict';
const fs = require('fs');
const SEPA = require('sepa');

const n = parseInt(process.argv[2], 10);
const out = process.argv[3];
if (!(n >= 1) || !out) {
  console.error('usage: node gen.js N OUT.xml');
  process.exit(2);
}

// Same IBAN as iban_for() in pain001_bench.cpp: BLZ 21050170, account 1000000000 + i.
function ibanFor(i) {
  const bban = '21050170' + String(1000000000 + i);
  let rem = 0;
  for (const c of bban + '131400') rem = (rem * 10 + (c.charCodeAt(0) - 48)) % 97;
  const check = 98 - rem;
  return 'DE' + String(check).padStart(2, '0') + bban;
}
// Same cents as amount_for(); the peer takes a JavaScript number.
function centsFor(i) { return 100 + (i * 7919) % 150000; }

const start = process.hrtime.bigint();
const doc = new SEPA.Document('pain.001.001.09');
doc.grpHdr.id = 'SOZ-BENCH-0001';
doc.grpHdr.created = new Date(Date.UTC(2026, 0, 20, 8, 0, 0));
doc.grpHdr.initiatorName = 'Landeshauptstadt Kiel - Amt für Soziale Dienste';

const info = doc.createPaymentInfo();
info.id = 'SOZ-BENCH-0001-P1';
info.batchBooking = true;
info.requestedExecutionDate = new Date(Date.UTC(2025, 11, 31));
info.debtorIBAN = 'DE89370400440532013000';
info.debtorBIC = 'COBADEFFXXX';
info.debtorName = 'Landeshauptstadt Kiel';
doc.addPaymentInfo(info);

for (let i = 0; i < n; i++) {
  const tx = info.createTransaction();
  tx.end2endId = 'SOZ-BENCH-E' + i;
  tx.creditorName = 'Empfänger Müller ' + i;
  tx.creditorIBAN = ibanFor(i);
  tx.amount = centsFor(i) / 100;
  tx.purposeCode = 'GOVT';
  tx.remittanceInfo = 'SGB XII Hilfe zum Lebensunterhalt 2026-01 Az 50.1-' + i;
  info.addTransaction(tx);
}
const xml = doc.toString();
fs.writeFileSync(out, xml);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const maxRssKiB = process.resourceUsage().maxRSS;
console.log(`transfers=${n} bytes=${Buffer.byteLength(xml)} seconds=${seconds.toFixed(3)} ` +
            `transfers_per_second=${Math.round(n / seconds)} peak_rss_kib=${maxRssKiB}`);

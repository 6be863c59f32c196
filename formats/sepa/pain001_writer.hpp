// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Streaming writer for SEPA credit transfer initiations (pain.001.001.09, DK GBIC_4 subset).
///
/// The writer serialises the XML into a reused buffer and streams it in 256 KiB blocks into an
/// atomic_file_t ("<path>.tmp", hashed with SHA-256 as written), so memory stays flat for any number
/// of transfers. A second thread re-reads the temporary file as it grows and validates it against
/// the embedded schema `schemas/pain.001.001.09-sozbatch.xsd` while recounting NbOfTxs/CtrlSum from
/// the bytes in the file. The caller declares the totals up front (it knows them from the database);
/// end_payment_info() and finish() check the counted transfers and the sum of the amounts against
/// them per PmtInf and for the whole message; finish() waits for the check and only then fsyncs,
/// renames and writes the manifest. On any error nothing is published. See docs/formats/pain001.md.
///
/// Usage:
/// \code
///   sepa::pain001_writer_t w{"out/2026-01.xml", header};
///   w.begin_payment_info(info);
///   for (...) w.add_transfer(t);
///   w.end_payment_info();
///   auto result = w.finish();   // result.sha256 for the release binding
/// \endcode

#include "lib/core/clock.hpp"
#include "lib/core/date.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/money.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sozbatch::sepa {

/// GrpHdr: the message as a whole.
struct pain001_header_t
{
    std::string msg_id;            ///< MsgId: DK identifier, <= 35, unique forever (caller's duty)
    timestamp_t created;           ///< CreDtTm (UTC); comes from the injected clock, never "now"
    std::int64_t nb_of_txs = 0;    ///< declared number of CdtTrfTxInf in the whole file (>= 1)
    money_t ctrl_sum;              ///< declared sum of all InstdAmt
    std::string initiating_party;  ///< InitgPty/Nm, DK text <= 70
    bool indent = false;           ///< pretty-print (two blanks per level); default: one line, ~37 % smaller
};

/// PmtInf: one debtor account, one execution date, one batch.
struct payment_info_t
{
    std::string pmt_inf_id;                       ///< PmtInfId: DK identifier, unique in the message
    bool batch_booking = true;                    ///< BtchBookg, always written explicitly
    std::int64_t nb_of_txs = 0;                   ///< declared number of transfers in this PmtInf (>= 1)
    money_t ctrl_sum;                             ///< declared sum of this PmtInf
    std::optional<std::string> category_purpose;  ///< CtgyPurp/Cd, e.g. "SSBE" or "GOVT"
    date_t requested_execution_date;              ///< ReqdExctnDt/Dt (see target2.hpp)
    std::string debtor_name;                      ///< Dbtr/Nm, DK text <= 70
    iban_t debtor_iban;                           ///< DbtrAcct/Id/IBAN
    std::optional<bic_t> debtor_bic;              ///< DbtrAgt BICFI; absent: Othr/Id NOTPROVIDED
    std::optional<std::string> ultimate_debtor;   ///< UltmtDbtr/Nm, e.g. "Landeshauptstadt Kiel - Sozialamt"
};

/// CdtTrfTxInf: one transfer.
struct transfer_t
{
    std::string end_to_end_id;                    ///< EndToEndId: DK identifier; the matching key for returns
    money_t amount;                               ///< InstdAmt Ccy="EUR", 0.01..999999999.99
    std::optional<bic_t> creditor_bic;            ///< CdtrAgt/FinInstnId/BICFI; only where needed (see creditor_bic_required)
    std::string creditor_name;                    ///< Cdtr/Nm: the account holder, DK text <= 70
    iban_t creditor_iban;                         ///< CdtrAcct/Id/IBAN
    std::optional<std::string> ultimate_creditor; ///< UltmtCdtr/Nm, e.g. the client when rent goes to the landlord
    std::optional<std::string> purpose;           ///< Purp/Cd, e.g. "GOVT", "BENE", "SSBE", "BECH"
    std::string remittance;                       ///< RmtInf/Ustrd, DK text <= 140; empty: no RmtInf
};

/// What finish() published.
struct pain001_result_t
{
    std::string path;           ///< the final file name
    std::string sha256;         ///< lower-case hex SHA-256 of the file
    std::uint64_t bytes = 0;    ///< file size
    std::int64_t nb_of_txs = 0; ///< transfers in the file
    money_t ctrl_sum;           ///< sum of the transfers
    std::int64_t payment_infos = 0;
    bool check_split = false;    ///< the writer's thread checked the file's last part (finish)
    bool check_repeated = false; ///< the two parts made no verdict together: the whole file was checked again
};

/// True when a transfer to \p iban needs the creditor's BIC: the account is outside the EEA
/// (e.g. CH, GB, MC, SM, AD, VA). Inside the EEA transfers are IBAN-only and CdtrAgt is left out.
bool creditor_bic_required(iban_t const &iban);

/// The embedded schema every written file is validated against.
inline constexpr char const *PAIN001_SCHEMA = "schemas/pain.001.001.09-sozbatch.xsd";

/// Validates an existing pain.001 file against the embedded sozbatch schema and checks that
/// NbOfTxs/CtrlSum in GrpHdr and each PmtInf equal the counted transfers and summed amounts.
/// Streaming: memory is flat in the file size.
/// \throws input_error naming file, line and element (XML, schema or control-total error)
void verify_pain001_file(std::string const &path);

class pain001_writer_t
{
public:
    /// Starts "<final_path>.tmp" and writes the GrpHdr.
    /// \throws validation_error for an invalid header (bad MsgId, name, nb_of_txs < 1, sum < 0.01)
    /// \throws error_t when the temporary file cannot be created
    pain001_writer_t(std::string final_path, pain001_header_t const &header);
    ~pain001_writer_t();
    pain001_writer_t(pain001_writer_t const &) = delete;
    pain001_writer_t &operator=(pain001_writer_t const &) = delete;

    /// Opens a PmtInf. \pre no PmtInf is open. \throws validation_error on invalid fields
    void begin_payment_info(payment_info_t const &info);

    /// Writes one transfer into the open PmtInf.
    /// \throws validation_error when a field breaks a DK rule (the whole file is then abandoned:
    /// check orders with check_transfer() before writing so bad ones can be held instead)
    void add_transfer(transfer_t const &transfer);

    /// Closes the PmtInf. \throws internal_error when the counted transfers or their sum differ
    /// from the declared NbOfTxs/CtrlSum (the file is abandoned).
    void end_payment_info();

    /// Checks GrpHdr totals, waits for the schema validation and recount of the temporary file,
    /// commits (fsync, rename) and writes "<final_path>.manifest".
    /// \throws internal_error on a count or sum mismatch or a schema violation; nothing is published
    pain001_result_t finish();

    /// Removes the temporary file; the writer cannot be used afterwards. Also done by the destructor.
    void abandon() noexcept;

    /// Empty when \p t can be written, else the reason (what add_transfer would reject).
    static std::string check_transfer(transfer_t const &t);

    /// The file's SHA-256 is taken in two parts: the writer's thread hashes the blocks it writes,
    /// then hands the running hash to the self-check's thread, which hashes the rest as it reads
    /// the file back. By default (a negative \p percent) the writer hands over once a quarter of
    /// the declared transfers is written and the check is waiting for bytes (it has time to spare:
    /// in `pay export` the writer's thread also reads the database), else it hashes to the end.
    /// 0..100: hand over exactly after that share of the transfers, for tests and benchmarks. Not
    /// for use while a writer is open.
    static void set_hash_hand_over_percent(int percent) noexcept;

    /// The self-check reads the file back on its own thread while it is written. When the writer
    /// is done first, finish() splits the rest at the end of a transfer about halfway: the check
    /// thread stops there and the writer's thread checks the part after it (from a primer of the
    /// file's first bytes that brings its scanner and validator to the same state), then both are
    /// added up (pain001_result_t::check_split). 0..100, for tests: the check reads nothing before
    /// finish(), which splits at the first transfer end from that share of the bytes on (if any);
    /// negative: as described. Not for use while a writer is open.
    static void set_split_percent(int percent) noexcept;

private:
    struct impl_t;
    std::unique_ptr<impl_t> m_impl;
};

} // namespace sozbatch::sepa

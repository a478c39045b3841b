// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRecorder: writes a run's results (rounds.csv, assignments.csv,
 * clients.csv, summary.json) as DESIGN.md specifies.
 */

#ifndef FEDMOE_RECORDER_H
#define FEDMOE_RECORDER_H

#include "fedmoe/scheduling/capacity-estimator.h"

#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief One row of rounds.csv.
 */
struct FedMoeRoundRecord
{
    uint32_t round{0};        //!< round number, from 1
    double simTimeS{0};       //!< simulated time at the end of the round, s
    double wallTimeS{0};      //!< wall-clock time since the run started, s
    uint32_t participants{0}; //!< clients assigned work this round
    uint32_t dropped{0};      //!< participants whose update did not arrive in time
    double testAccuracy{std::numeric_limits<double>::quiet_NaN()}; //!< NaN when not evaluated
    double testLoss{std::numeric_limits<double>::quiet_NaN()};     //!< NaN when not evaluated
    uint64_t bytesDown{0}; //!< server -> clients payload bytes this round
    uint64_t bytesUp{0};   //!< clients -> server payload bytes this round
    double expertLoadCv{std::numeric_limits<double>::quiet_NaN()};   //!< CV of per-expert load
    double routingEntropy{std::numeric_limits<double>::quiet_NaN()}; //!< test routing entropy, bits
    /// Mean over clients of the accuracy on their held-out split with routing
    /// restricted to the experts that fit them best; NaN when not evaluated.
    double personalAccuracy{std::numeric_limits<double>::quiet_NaN()};
    uint32_t picked{0};  //!< clients picked to take part (with or without work)
    uint32_t leftOut{0}; //!< picked clients the policy gave no work
    uint32_t partial{0}; //!< clients given fewer than the full local steps
    uint32_t missing{
        0}; //!< clients with work whose update was not in by the end (late, offline, lost)
    uint32_t refused{0};       //!< updates in time that the learning core refused
    uint64_t unusedBytesUp{0}; //!< UPDATE bytes that arrived this round and were not used
    uint32_t minTrainers{0};   //!< fewest trainers any expert had this round
};

/**
 * \ingroup fedmoe-federation
 * \brief One row of participants.csv: how one picked client fared in a round.
 */
struct FedMoeParticipantRecord
{
    uint32_t round{0};                                           //!< round number
    uint32_t client{0};                                          //!< client id
    uint32_t experts{0};                                         //!< experts assigned
    uint32_t localSteps{0};                                      //!< local steps assigned
    double predictedS{std::numeric_limits<double>::quiet_NaN()}; //!< predicted round time, s
    double arrivalS{std::numeric_limits<double>::quiet_NaN()};   //!< round start to its update, s
    /// "used", "missing" (no update by the end: late, offline or lost), "refused" or "left_out" (no
    /// work)
    std::string status;
};

/**
 * \ingroup fedmoe-federation
 * \brief One row of clients.csv: a client's profile and what was observed of it.
 */
struct FedMoeClientRecord
{
    uint32_t client{0};                                         //!< client id
    std::string tier;                                           //!< device tier
    double distanceM{std::numeric_limits<double>::quiet_NaN()}; //!< distance to the AP, m
    fedmoe::scheduling::CapacityProfile capacity; //!< as announced (a default one if never)
    uint64_t samples{0};                          //!< training samples in the client's shard
    double goodputBps{std::numeric_limits<double>::quiet_NaN()}; //!< observed goodput, bit/s
    double rttS{std::numeric_limits<double>::quiet_NaN()};       //!< observed RTT, s
    double snrDb{std::numeric_limits<double>::quiet_NaN()};      //!< observed SNR, dB
    uint32_t roundsAssigned{0}; //!< rounds the client was given work
    uint32_t roundsDropped{0};  //!< rounds its update missed the deadline
};

/**
 * \ingroup fedmoe-federation
 * \brief Writes the result files of one run into an output directory.
 *
 * rounds.csv and assignments.csv are written row by row and flushed, so a run
 * that stops early still leaves every completed round on disk. clients.csv and
 * summary.json are written by Finish() (or Fail()) through a temporary file
 * and a rename, so they are either whole or absent. Numbers are written with
 * 10 significant digits; a missing value is "nan", which pandas and
 * gnuplot both read as not-a-number.
 *
 * AddAssignment, AddRound and RunEnded are sinks of the server's
 * AssignmentDecided, RoundCompleted and RunEnded trace sources (FedMoeHelper
 * connects them when the server's OutputDirectory is set).
 */
class FedMoeRecorder
{
  public:
    /**
     * \brief Create the directory (and parents) and open rounds.csv and assignments.csv.
     * \param outDir output directory
     * \throw std::runtime_error naming the path when it cannot be created or written
     */
    explicit FedMoeRecorder(const std::string& outDir);

    /** \return the output directory */
    const std::string& GetOutDir() const;

    /**
     * \brief Append a row to rounds.csv.
     * \param record the round
     */
    void AddRound(const FedMoeRoundRecord& record);

    /**
     * \brief Append a row to participants.csv.
     * \param record the participant's round
     */
    void AddParticipant(const FedMoeParticipantRecord& record);

    /**
     * \brief Append a round's assignment to assignments.csv (one row per client-expert pair).
     * \param round the round
     * \param assignment client id -> expert ids
     */
    void AddAssignment(uint32_t round, const std::map<uint32_t, std::vector<uint32_t>>& assignment);

    /**
     * \brief Write clients.csv and summary.json ("status": "ok").
     * \param clients one record per client
     * \param summary the summary's fields (policy, seed, rounds, final_accuracy, ...)
     */
    void Finish(const std::vector<FedMoeClientRecord>& clients, const std::string& summaryJson);

    /**
     * \brief Write summary.json with "status": "error" and the error, keeping the rows written.
     * \param clients one record per client known so far
     * \param summaryJson the summary's fields so far (a JSON object)
     * \param error what stopped the run
     */
    void Fail(const std::vector<FedMoeClientRecord>& clients, const std::string& summaryJson,
              const std::string& error);

    /**
     * \brief Sink of FedMoeServerApplication's RunEnded: Finish() or Fail().
     *        A failure to write is printed on stderr (the simulation is over).
     * \param summaryJson the summary's fields
     * \param clients one record per client
     * \param error empty when the run succeeded
     */
    void RunEnded(const std::string& summaryJson, const std::vector<FedMoeClientRecord>& clients,
                  const std::string& error);

    /**
     * \brief Format a number for the CSV files ("nan" when not finite).
     * \param value the number
     * \return its text
     */
    static std::string Format(double value);

  private:
    /**
     * \brief Write clients.csv and summary.json.
     * \param clients client rows
     * \param summaryJson summary object
     * \param error empty for success
     */
    void WriteFinal(const std::vector<FedMoeClientRecord>& clients, const std::string& summaryJson,
                    const std::string& error);

    /**
     * \brief Write a file through a temporary and a rename.
     * \param name file name inside the output directory
     * \param content its content
     */
    void WriteAtomically(const std::string& name, const std::string& content) const;

    std::string m_outDir;         //!< output directory
    std::ofstream m_rounds;       //!< rounds.csv
    std::ofstream m_assignments;  //!< assignments.csv
    std::ofstream m_participants; //!< participants.csv
};

} // namespace ns3

#endif // FEDMOE_RECORDER_H

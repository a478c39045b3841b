// SPDX-License-Identifier: GPL-2.0-only
/*
 * The payloads of fedmoe messages (HELLO, ASSIGN, UPDATE) and their
 * bounds-checked encoding.
 */

#ifndef FEDMOE_PAYLOAD_H
#define FEDMOE_PAYLOAD_H

#include "fedmoe/scheduling/capacity-estimator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/** \ingroup fedmoe-federation \brief Bytes as they travel. */
using FedMoeBytes = std::vector<uint8_t>;

/**
 * \ingroup fedmoe-federation
 * \brief HELLO: a client's self-reported capacity profile.
 */
struct FedMoeHello
{
    std::string tier; //!< device tier name (e.g. "raspberry-pi-4")
    /**
     * Compute, cores, memory, nominal rates and latency (availability is not
     * sent: the server cannot know it, clients model it).
     */
    fedmoe::scheduling::CapacityProfile capacity;
};

/**
 * \ingroup fedmoe-federation
 * \brief ASSIGN: what a client trains this round, with the parameters to start from.
 */
struct FedMoeAssign
{
    double deadlineSeconds{0};             //!< simulated time by which the UPDATE must arrive
    uint32_t localSteps{0};                //!< local optimisation steps to run
    uint64_t seed{0};                      //!< seed of the client's local training
    std::vector<uint32_t> experts;         //!< assigned expert ids (sorted, distinct)
    FedMoeBytes gate;                      //!< the gate's parameters (codec bytes)
    std::vector<FedMoeBytes> expertParams; //!< one per assigned expert, same order
};

/**
 * \ingroup fedmoe-federation
 * \brief UPDATE: a client's trained parameters and training statistics.
 */
struct FedMoeUpdate
{
    std::vector<uint32_t> experts;         //!< the experts trained (as assigned)
    FedMoeBytes gate;                      //!< the updated gate (codec bytes)
    std::vector<FedMoeBytes> expertParams; //!< one per trained expert, same order
    uint64_t samples{0};                   //!< training samples seen
    double meanLoss{0};                    //!< mean training loss
    double flops{0};                       //!< floating-point operations done
    std::vector<uint64_t> routedSamples;   //!< samples routed to each expert (all E)
    std::vector<float> routingShare;       //!< gate's mean routing share per expert (all E)
};

/**
 * \ingroup fedmoe-federation
 * \brief Encodes and decodes message payloads (network byte order).
 *
 * Decoding trusts nothing: every count and length is checked against the
 * bytes that remain and against fixed limits before anything is allocated,
 * numbers must be finite, and trailing bytes are an error. A failed decode
 * returns a message naming the field; the output is then unspecified.
 */
class FedMoePayload
{
  public:
    static constexpr uint32_t MAX_EXPERTS = 65536;   //!< most expert ids in one message
    static constexpr uint32_t MAX_TIER_LENGTH = 256; //!< longest tier name

    /**
     * \brief Encode a HELLO payload.
     * \param hello the payload
     * \return its bytes
     */
    static FedMoeBytes Encode(const FedMoeHello& hello);
    /**
     * \brief Encode an ASSIGN payload.
     * \param assign the payload (expertParams.size() must equal experts.size())
     * \return its bytes
     */
    static FedMoeBytes Encode(const FedMoeAssign& assign);
    /**
     * \brief Encode an UPDATE payload.
     * \param update the payload (expertParams.size() must equal experts.size(),
     *        routedSamples.size() must equal routingShare.size())
     * \return its bytes
     */
    static FedMoeBytes Encode(const FedMoeUpdate& update);

    /**
     * \brief Decode a HELLO payload.
     * \param bytes the payload bytes
     * \param hello out: the payload
     * \return empty on success, else what is wrong
     */
    static std::string Decode(const FedMoeBytes& bytes, FedMoeHello& hello);
    /**
     * \brief Decode an ASSIGN payload.
     * \param bytes the payload bytes
     * \param assign out: the payload
     * \return empty on success, else what is wrong
     */
    static std::string Decode(const FedMoeBytes& bytes, FedMoeAssign& assign);
    /**
     * \brief Decode an UPDATE payload.
     * \param bytes the payload bytes
     * \param update out: the payload
     * \return empty on success, else what is wrong
     */
    static std::string Decode(const FedMoeBytes& bytes, FedMoeUpdate& update);
};

} // namespace ns3

#endif // FEDMOE_PAYLOAD_H

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduling core's alignment policies as ns-3 Objects, so scenario
 * scripts and command lines configure them the ns-3 way, e.g.
 * --ns3::FedMoeLoadBalancedPolicy::UsageWeight=0.8.
 *
 * The five wrappers are thin (an Attribute per parameter, forwarding to the
 * core's validated parameter struct) and share one idea, so they share one
 * file pair.
 */

#ifndef FEDMOE_ALIGNMENT_POLICY_H
#define FEDMOE_ALIGNMENT_POLICY_H

#include "fedmoe/scheduling/channel-aware-policy.h"
#include "fedmoe/scheduling/greedy-policy.h"
#include "fedmoe/scheduling/load-balanced-policy.h"
#include "fedmoe/scheduling/min-cost-flow-policy.h"
#include "fedmoe/scheduling/random-policy.h"

#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <random>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief Base of the ns-3 faces of the alignment policies: decides, each
 * round, which experts every participant trains.
 *
 * Randomness (client order, ties, random assignment) comes from an ns-3
 * random stream, so --RngRun changes it and AssignStreams() fixes it.
 */
class FedMoeAlignmentPolicy : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeAlignmentPolicy();

    /**
     * \brief Compute one round's assignment.
     * \param input the round (invalid input throws std::invalid_argument)
     * \return one entry per participant, in input order
     */
    fedmoe::scheduling::Assignment Assign(const fedmoe::scheduling::AlignmentInput& input);

    /** \return the policy's name ("random", "greedy", ...) */
    std::string GetName() const;

    /**
     * \brief Fix the random stream used.
     * \param stream first stream index
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * \brief A policy object by name, with default attributes.
     * \param name "random", "greedy", "load-balanced", "channel-aware" or "min-cost-flow"
     * \return the policy
     * \throw std::invalid_argument naming the allowed names
     */
    static Ptr<FedMoeAlignmentPolicy> Create(const std::string& name);

    /** \return the names Create() accepts */
    static std::vector<std::string> Names();

  protected:
    void DoDispose() override;

    /** \return the scheduling-core policy this object configures */
    virtual const fedmoe::scheduling::AlignmentPolicy& GetCore() const = 0;

  private:
    Ptr<UniformRandomVariable> m_seeds; //!< seeds one engine per round
};

/**
 * \ingroup fedmoe-federation
 * \brief Common code of the wrappers whose core policy has a parameter struct.
 * \tparam Core the scheduling-core policy
 * \tparam Params its parameter struct
 */
template<class Core, class Params>
class FedMoeParameterisedPolicy : public FedMoeAlignmentPolicy
{
  public:
    /**
     * \brief Set one numeric parameter (validated by the core).
     * \tparam F the field
     * \param value the value
     */
    template<double Params::*F>
    void SetDouble(double value)
    {
        Params p = m_core.GetParameters();
        p.*F = value;
        m_core.SetParameters(p);
    }

    /**
     * \tparam F the field
     * \return the field's value
     */
    template<double Params::*F>
    double GetDouble() const
    {
        return m_core.GetParameters().*F;
    }

    /**
     * \brief Set one integer parameter (validated by the core).
     * \tparam F the field
     * \param value the value
     */
    template<uint32_t Params::*F>
    void SetUint(uint32_t value)
    {
        Params p = m_core.GetParameters();
        p.*F = value;
        m_core.SetParameters(p);
    }

    /**
     * \tparam F the field
     * \return the field's value
     */
    template<uint32_t Params::*F>
    uint32_t GetUint() const
    {
        return m_core.GetParameters().*F;
    }

    /**
     * \brief Set one flag.
     * \tparam F the field
     * \param value the value
     */
    template<bool Params::*F>
    void SetBool(bool value)
    {
        Params p = m_core.GetParameters();
        p.*F = value;
        m_core.SetParameters(p);
    }

    /**
     * \tparam F the field
     * \return the field's value
     */
    template<bool Params::*F>
    bool GetBool() const
    {
        return m_core.GetParameters().*F;
    }

  protected:
    const fedmoe::scheduling::AlignmentPolicy& GetCore() const override
    {
        return m_core;
    }

  private:
    Core m_core; //!< the scheduling-core policy
};

/**
 * \ingroup fedmoe-federation
 * \brief Uniformly random experts up to capacity (the paper's first baseline).
 */
class FedMoeRandomPolicy : public FedMoeAlignmentPolicy
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

  protected:
    const fedmoe::scheduling::AlignmentPolicy& GetCore() const override;

  private:
    fedmoe::scheduling::RandomPolicy m_core; //!< the core policy
};

/**
 * \ingroup fedmoe-federation
 * \brief Highest fitness only (the paper's second baseline).
 */
class FedMoeGreedyPolicy : public FedMoeAlignmentPolicy
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

  protected:
    const fedmoe::scheduling::AlignmentPolicy& GetCore() const override;

  private:
    fedmoe::scheduling::GreedyPolicy m_core; //!< the core policy
};

/**
 * \ingroup fedmoe-federation
 * \brief The paper's composite desirability (+fitness, -projected usage).
 */
class FedMoeLoadBalancedPolicy
    : public FedMoeParameterisedPolicy<fedmoe::scheduling::LoadBalancedPolicy,
                                       fedmoe::scheduling::LoadBalancedParameters>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

/**
 * \ingroup fedmoe-federation
 * \brief Load-balanced plus the channel: latency penalty and the round deadline.
 */
class FedMoeChannelAwarePolicy
    : public FedMoeParameterisedPolicy<fedmoe::scheduling::ChannelAwarePolicy,
                                       fedmoe::scheduling::ChannelAwareParameters>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

/**
 * \ingroup fedmoe-federation
 * \brief The channel-aware objective solved globally as a min-cost flow.
 */
class FedMoeMinCostFlowPolicy
    : public FedMoeParameterisedPolicy<fedmoe::scheduling::MinCostFlowPolicy,
                                       fedmoe::scheduling::MinCostFlowParameters>
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
};

} // namespace ns3

#endif // FEDMOE_ALIGNMENT_POLICY_H

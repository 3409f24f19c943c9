//! The log family: `log(data, len, n, t1, t2, t3, t4)`.

use crate::eei::{Eei, HostResult, Invocation};
use crate::host::Bytes32;
use crate::memory::{read_array, slice};
use crate::outcome::HostExit;
use crate::schedule::{LOG_DATA_GAS, LOG_TOPIC_GAS, MAX_LOG_TOPICS};
use crate::table::HostFn;

/// `log`: charges 375 + 375·n + 8·len (n as given), then static → 11, then n > 4 →
/// `ContractValidationFailure`; reads the data and only the first n topic pointers.
pub(crate) fn log(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let (data_off, len, n) = (inv.u32_arg(0), inv.u32_arg(1), inv.u32_arg(2));
    eei.charge_base(HostFn::Log, inv)?;
    inv.charge(LOG_TOPIC_GAS * u64::from(n) + LOG_DATA_GAS * u64::from(len))?;
    eei.ensure_not_static()?;
    if n > MAX_LOG_TOPICS {
        return Err(HostExit::ContractValidationFailure);
    }
    let data = slice(inv.mem(), data_off, len)?;
    let mut topics = [[0u8; 32]; 4];
    let count = n as usize;
    for (i, topic) in topics.iter_mut().take(count).enumerate() {
        *topic = read_array::<32>(inv.mem(), inv.u32_arg(3 + i))?;
    }
    let topics: &[Bytes32] = topics.get(..count).unwrap_or(&[]);
    let own = eei.self_address();
    eei.host.emit_log(&own, data, topics);
    Ok(None)
}

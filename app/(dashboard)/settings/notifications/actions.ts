'use server';
import { runAction } from '@/lib/action';
import { createChannel, deleteChannel, sendTestEvent, updateChannel } from '@/lib/data/notification-channels';
import { parseInput } from '@/lib/validation/parse';
import { ZChannelId } from '@/lib/validation/notification-channel';

export async function createChannelAction(input: unknown) {
  return runAction((caller) => createChannel(caller, input));
}

export async function updateChannelAction(channelId: unknown, input: unknown) {
  return runAction((caller) => updateChannel(caller, parseInput(ZChannelId, channelId), input));
}

export async function deleteChannelAction(channelId: unknown) {
  return runAction((caller) => deleteChannel(caller, parseInput(ZChannelId, channelId)));
}

// `ok` is runAction's (did the request work); `delivered` is whether the receiver took it.
export async function sendTestEventAction(channelId: unknown) {
  return runAction(async (caller) => {
    const outcome = await sendTestEvent(caller, parseInput(ZChannelId, channelId));
    return { delivered: outcome.delivered, statusCode: outcome.statusCode, error: outcome.error };
  });
}

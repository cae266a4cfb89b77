'use server';
import { z } from 'zod';
import { runAction } from '@/lib/action';
import { createChannel, deleteChannel, sendTestEvent, updateChannel } from '@/lib/data/notification-channels';
import { ZChannelId, ZChannelInput } from '@/lib/validation/notification-channel';

export async function createChannelAction(input: unknown) {
  return runAction(ZChannelInput, input, (caller, channel) => createChannel(caller, channel));
}

export async function updateChannelAction(channelId: unknown, input: unknown) {
  return runAction(z.tuple([ZChannelId, ZChannelInput]), [channelId, input], (caller, [id, channel]) => updateChannel(caller, id, channel));
}

export async function deleteChannelAction(channelId: unknown) {
  return runAction(ZChannelId, channelId, (caller, id) => deleteChannel(caller, id));
}

// `ok` is runAction's (did the request work); `delivered` is whether the receiver took it.
export async function sendTestEventAction(channelId: unknown) {
  return runAction(ZChannelId, channelId, async (caller, id) => {
    const outcome = await sendTestEvent(caller, id);
    return { delivered: outcome.delivered, statusCode: outcome.statusCode, error: outcome.error };
  });
}

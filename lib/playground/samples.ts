/**
 * The Text page's built-in samples, written for this project (no third-party text is shipped). One is
 * regular enough that a small model learns its patterns in a minute; one is prose, harder and closer to
 * what a character model usually reads.
 */

const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 0 … 99 in English words. */
export function inWords(n: number): string {
  if (n < 20) return NUMBERS[n];
  return TENS[Math.floor(n / 10)] + (n % 10 ? `-${NUMBERS[n % 10]}` : '');
}

/** The times tables from 2 to 9 in words: "three times four is twelve." A model must count to get them right. */
export function timesTables(): string {
  const lines: string[] = [];
  for (let a = 2; a <= 9; a++) {
    lines.push(`the table of ${inWords(a)}:`);
    for (let b = 1; b <= 10; b++) lines.push(`${inWords(a)} times ${inWords(b)} is ${inWords(a * b)}.`);
    lines.push('');
  }
  return lines.join('\n');
}

export const ON_RECURRENCE = `On recurrence

A recurrent network reads a sequence one step at a time. At every step it takes the new input and the
state it carried from the step before, and it makes a new state. The same weights are used at every
step, so a network that has learned to read the first word of a sentence has also learned to read the
last one. That is the whole idea, and most of what follows is a consequence of it.

To learn, the network runs forward over the whole sequence and keeps what each step computed. Then it
runs backward, from the last step to the first. At each step it asks how much the loss would change if
the state had been a little different, and it passes that question on to the step before. Because the
weights are shared, every step adds its own part to their gradient, and the gradient is the sum over
time. This is backpropagation through time: nothing more than the chain rule, applied to the network
drawn out, or unrolled, along the sequence.

The question that is passed back is multiplied, at every step, by the recurrent weights and by the
slope of the squashing function. If those factors are small, the signal fades, and after a few dozen
steps the first inputs no longer teach the network anything: the gradient vanishes. If they are large,
the signal grows without bound, and one bad step can throw the weights far away: the gradient
explodes. The second problem has a simple cure, which is to clip the gradient when its norm is too
large. The first needs a better cell.

The long short-term memory cell keeps a second state, the cell state, that is changed only by adding
and by forgetting. A forget gate decides how much of the old cell state to keep; an input gate decides
how much of the new candidate to write; an output gate decides how much of the cell to show. Along the
cell state the backward signal is multiplied by the forget gate alone, with no weight matrix and no
squashing, so when the gate stays open the signal can travel a long way. The gated recurrent unit does
much the same with two gates and a single state: an update gate mixes the old state with a new
candidate, and a reset gate decides how much of the old state the candidate may read.

Nothing here is magic. Each gate is a small layer with a sigmoid; each backward step is a few products
and sums that can be written out by hand, checked against finite differences, and compared, number by
number, with another implementation. Once that has been done for one step, the rest is a loop.

A good way to see all this is to watch it. Take a tiny network, three units wide and a handful of
steps long. Step it forward and write down every number. Then step it backward and watch the
gradient of the shared weights grow, one step at a time, until the loop reaches the first step. Then
make the recurrent weights four times larger and do it again.
`;

export const SAMPLES: { name: string; text: () => string }[] = [
  { name: 'times tables in words (regular: learned in a minute)', text: timesTables },
  { name: 'a page on recurrence (prose: harder)', text: () => ON_RECURRENCE },
];

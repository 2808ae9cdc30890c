#!/usr/bin/env python3
"""Generates an Obsidian vault for the benchmarks (bench/import.sh, bench/search.sh).

Usage: python3 bench/vault.py FOLDER NOTES [SEED]

Notes are about music, sound and making things, in English (about half), Russian (about a third) or both, with
inflected Russian word forms (so the stemmers have work), word frequencies that fall off like real text (a few words
everywhere, most words rare; a quarter of the notes carry one of 41 rare words, so each is in well under 1% of
them), lengths from a couple of sentences to a few thousand words (log-normal, median ~300), 1–5 tags (some nested),
a date over three years, and Obsidian syntax: headings, five [[wikilinks]] to other notes, a callout, a ==highlight==,
an inline #tag, and a summary on some notes. The same NOTES and SEED give the same vault.
"""
import itertools
import os
import random
import sys

EN_FUNCTION = ("the of and a to in is it that for with as on this be are you by at or from but not can when its "
               "one more some all into than then so if also just very each only most other about after over").split()
EN_CONTENT = """sound synth music note filter envelope oscillator patch rhythm melody harmony chord scale tempo
groove texture track mix bass drum voice record studio modular sequence sample loop delay reverb
distortion compressor release attack decay sustain frequency pitch tone noise waveform sine square sawtooth
triangle cutoff resonance modulation lfo gate trigger clock voltage cable module panel knob fader mixer
speaker headphones microphone guitar piano keyboard violin cello flute vocal lyric song album release
performance stage audience listener band session practice lesson exercise theory interval octave fifth third
major minor mode dorian lydian phrygian arpeggio bassline beat bar measure meter syncopation swing shuffle
accent dynamics silence space room acoustics echo stereo panning volume level gain headroom mastering
export project idea sketch draft workflow habit routine inspiration deadline collaboration feedback
video light color shape pattern canvas shader generative visual animation frame camera lens print paper
write read learn build make play listen hear feel change move start stop keep find show try use work need
good new old long short warm bright dark soft loud deep simple complex slow fast low high clean dirty""".split()
EN_RARE = """theremin granular wavetable vocoder sidechain polyrhythm microtonal spectrogram karplus ondes
mellotron bitcrusher formant convolution phaser flanger glissando portamento ostinato hocket tintinnabuli
euclidean stochastic aleatoric serialism fugue counterpoint""".split()
RU_FUNCTION = ("и в не на что с как это по но из к у за от для о же так все его она он мы они вы бы только "
               "ещё уже когда если или чтобы тоже очень потом сейчас здесь там где").split()
RU_CONTENT = """звук звука звуком звуки звуков музыка музыки музыку музыкой синтезатор синтезатора синтезаторе
фильтр фильтра фильтром огибающая огибающей осциллятор осциллятора генератор ритм ритма ритмом ритмы мелодия
мелодии мелодию гармония гармонии аккорд аккорда аккорды аккордов гамма лад темп грув текстура трек трека
сведение бас барабан барабаны голос голоса запись записи студия студии модуль модули модульный патч патча
семпл петля задержка реверберация дисторшн компрессор атака спад сустейн затухание частота частоты высота
тон шум волна синус пила квадрат срез резонанс модуляция модуляции кабель ручка микшер колонки наушники
микрофон гитара фортепиано клавиши скрипка виолончель флейта песня песни альбом концерт сцена слушатель
группа репетиция урок уроки упражнение теория интервал октава квинта терция мажор минор арпеджио такт
размер синкопа акцент динамика тишина пространство комната акустика эхо стерео громкость уровень мастеринг
проект идея набросок черновик привычка вдохновение срок обратная связь видео свет цвет форма узор холст
кадр камера бумага писать читать учиться строить делать играть слушать слышать чувствовать менять искать
пробовать работать хороший новый старый долгий короткий тёплый яркий тёмный мягкий громкий глубокий
простой сложный медленный быстрый низкий высокий чистый грязный""".split()
RU_RARE = """терменвокс варган гранулярный вокодер полиритмия микротональный спектрограмма фуга контрапункт
остинато глиссандо портаменто стохастический алеаторика""".split()
TAGS = """music sound synthesis modular theory practice mixing recording gear studio ideas journal lessons
visuals video performance composition rhythm harmony field-recording ambient techno jazz folk
music/theory music/history sound/design sound/gear projects/rig projects/album звук музыка синтез теория
практика заметки""".split()
RARE_TAGS = "theremin granular vocoder microtonal".split()


def zipf(words, s):
    """The words with cumulative weights 1/rank^s: a few are everywhere, most are rare."""
    return words, list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(len(words))))


def main():
    root, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    # Each language: function words (about 40% of running text) and content words, both Zipf-distributed. A rare word
    # goes into a quarter of the notes, one of the rare words each time: every rare word is in about 1% of the notes.
    en = (zipf(EN_FUNCTION, 1.0), zipf(rnd.sample(EN_CONTENT, len(EN_CONTENT)), 0.9))
    ru = (zipf(RU_FUNCTION, 1.0), zipf(rnd.sample(RU_CONTENT, len(RU_CONTENT)), 0.9))
    rare = EN_RARE + RU_RARE
    tags_weighted = zipf(rnd.sample(TAGS, len(TAGS)) + RARE_TAGS, 0.9)
    titles = []

    def words(lang, k, function_share=0.4):
        function = rnd.choices(lang[0][0], cum_weights=lang[0][1], k=k)
        content = rnd.choices(lang[1][0], cum_weights=lang[1][1], k=k)
        return [function[j] if rnd.random() < function_share else content[j] for j in range(k)]

    def sentence(lang):
        text = " ".join(words(lang, rnd.randint(5, 22)))
        return text[0].upper() + text[1:] + rnd.choice(".....?!")

    def paragraph(language):
        parts = []
        for _ in range(rnd.randint(2, 6)):
            parts.append(sentence(en if language == "en" or (language == "mixed" and rnd.random() < 0.5) else ru))
        return " ".join(parts)

    for i in range(n):
        language = rnd.choices(["en", "ru", "mixed"], [0.5, 0.32, 0.18])[0]
        head_lang = en if language == "en" else ru if language == "ru" else rnd.choice([en, ru])
        # Titles draw on the whole vocabulary evenly: a common word of the texts is in a few percent of the titles.
        title = " ".join(rnd.sample(EN_CONTENT if head_lang is en else RU_CONTENT, rnd.randint(2, 5)))
        title = f"{title[0].upper()}{title[1:]} {i}"
        titles.append(title)
        length = max(30, min(4000, int(rnd.lognormvariate(5.7, 0.8))))
        body, count = [], 0
        while count < length:
            if body and rnd.random() < 0.2:
                body.append("## " + sentence(head_lang).rstrip(".?!"))
            body.append(paragraph(language))
            count += len(body[-1].split())
        if rnd.random() < 0.25:
            j = rnd.randrange(len(body))
            cut = body[j].split(" ")
            cut.insert(rnd.randrange(1, len(cut) + 1), rnd.choice(rare))
            body[j] = " ".join(cut)
        links = " ".join(f"[[{rnd.choice(titles)}]]" for _ in range(5))
        tags = sorted(set(rnd.choices(tags_weighted[0], cum_weights=tags_weighted[1], k=rnd.randint(1, 5))))
        folder = os.path.join(root, f"topic-{i % 20:02d}")
        os.makedirs(folder, exist_ok=True)
        summary = f"summary: \"{sentence(head_lang)}\"\n" if rnd.random() < 0.3 else ""
        middle = len(body) // 2
        with open(os.path.join(folder, f"{title}.md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: \"{title}\"\npublish: true\ntags: [{', '.join(tags)}]\n"
                    f"date: {2024 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}\n{summary}---\n"
                    f"# {title}\n\nSee also: {links}\n\n"
                    + "\n\n".join(body[:middle])
                    + f"\n\n> [!note] {sentence(head_lang)}\n> ==Highlighted== text #inline-{i % 50}\n\n"
                    + "\n\n".join(body[middle:]) + "\n")


if __name__ == "__main__":
    main()
